"""nn-graph's classes: ``{ClassName: "module_file"}`` by kind."""

CONTAINERS = {
    "gModule": "g_module",
    "ModuleFromCriterion": "module_from_criterion",
}

MODULES = {
    "Parameters": "parameters",
    "Op": "op",
}
