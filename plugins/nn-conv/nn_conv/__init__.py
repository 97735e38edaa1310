"""Convolution, pooling and LookupTable layers for nncore, with compiled kernels."""
