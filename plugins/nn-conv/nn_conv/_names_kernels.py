"""nn-conv's classes (kernels): {ClassName: module file}."""

NAMES: dict[str, str] = {}
