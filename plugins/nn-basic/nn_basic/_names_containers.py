"""nn-basic's containers: {ClassName: module file}."""

NAMES: dict[str, str] = {
    "Sequential": "sequential",
    "Bottle": "bottle",
    "Concat": "concat",
    "Decorator": "decorator",
    "DepthConcat": "depth_concat",
    "DontCast": "dont_cast",
    "NaN": "nan",
    "Parallel": "parallel",
    "Profile": "profile",
    "WeightNorm": "weight_norm",
}
