"""nn-table's pair layers: {ClassName: module file}."""

NAMES: dict[str, str] = {
    "CosineDistance": "cosine_distance",
    "DotProduct": "dot_product",
    "PairwiseDistance": "pairwise_distance",
}
