"""nn-basic's shape and reduction layers: {ClassName: module file}."""

NAMES: dict[str, str] = {
}
