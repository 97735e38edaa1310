"""nn-basic's criteria: {ClassName: module file}."""

NAMES: dict[str, str] = {
    "MSECriterion": "mse_criterion",
    "ClassNLLCriterion": "class_nll_criterion",
}
