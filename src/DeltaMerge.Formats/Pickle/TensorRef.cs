namespace DeltaMerge.Formats.Pickle;

/// <summary>A tensor as <c>_rebuild_tensor_v2</c> describes it: a strided view of a <see cref="StorageRef"/>.</summary>
/// <param name="Storage">The storage it views.</param>
/// <param name="StorageOffset">Index of its first element in the storage, in elements.</param>
/// <param name="Shape">Dimensions, outermost first.</param>
/// <param name="Stride">Step between neighbours of each dimension, in elements.</param>
internal sealed record TensorRef(StorageRef Storage, long StorageOffset, long[] Shape, long[] Stride);
