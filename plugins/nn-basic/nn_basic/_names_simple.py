"""nn-basic's simple: {ClassName: module file}."""

NAMES: dict[str, str] = {
    "Identity": "identity",
    "Linear": "linear",
    "CMul": "cmul",
    "CAdd": "cadd",
    "Mul": "mul",
    "Add": "add",
    "Abs": "abs",
    "Dropout": "dropout",
}
