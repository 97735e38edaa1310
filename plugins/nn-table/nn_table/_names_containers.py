"""nn-table's containers: {ClassName: module file}."""

NAMES: dict[str, str] = {
    "ConcatTable": "concat_table",
    "MapTable": "map_table",
    "ParallelTable": "parallel_table",
}
