"""nn-conv's compiled modules, by name: each kernel family (its numpy twin is
``<name>_numpy``) and the team of threads.  ``nncore plugins`` looks for them without
importing them."""

#: kernel family module -> the kernels it holds
FAMILIES: dict[str, tuple[str, ...]] = {
    "_im2col": ("im2col", "col2im", "columns_to_batch", "batch_to_columns"),
    "_per_example_conv": (
        "conv2d_gemm_forward",
        "conv2d_gemm_backward_input",
        "conv2d_gemm_backward_weight",
    ),
    "_pooling": ("max_pool2d", "max_pool2d_backward", "avg_pool2d", "avg_pool2d_backward"),
    "_embedding": ("embedding_forward", "embedding_backward", "embedding_renorm"),
    "_winograd": ("winograd_input", "winograd_output", "winograd_grad_output"),
}
#: every compiled module: the families and the team of threads (``_team``, compiled only)
EXTENSIONS: tuple[str, ...] = (*FAMILIES, "_team")
