using DeltaMerge.Formats;
using DeltaMerge.Runtime.Modules;
using TorchSharp;

namespace DeltaMerge.Runtime.Weights;

/// <summary>
/// Fills a model's parameters from a <see cref="WeightCatalog"/>, one weight at a time, in row chunks. Each parameter
/// was allocated once; when it lives on the CPU in the stored type the file bytes are read straight into it, otherwise
/// through one chunk-sized staging tensor that <c>copy_</c> converts and moves. Peak memory: the model plus one chunk.
/// </summary>
internal static class WeightLoader
{
    private const long ChunkBytes = 32L << 20;

    /// <summary>Checks every weight exists with the right shape and type, then fills the parameters and binds the resident weights (kernel path).</summary>
    /// <exception cref="ModelLoadException"><see cref="ModelLoadErrorKind.MissingTensor"/>, <see cref="ModelLoadErrorKind.ShapeMismatch"/>,
    /// <see cref="ModelLoadErrorKind.UnsupportedTensorType"/>.</exception>
    public static void Load(LlamaModel model, WeightCatalog catalog)
    {
        var plan = new List<(torch.Tensor Target, WeightSource Source)>();
        // Check everything before reading any data, so a bad checkpoint fails in milliseconds.
        foreach (var (name, parameter) in model.named_parameters())
        {
            string key = LlamaModel.CheckpointName(name);
            var source = Find(catalog, key, parameter.shape);
            if (!TorchDTypes.TryToTorch(source.DType, out _))
                throw new ModelLoadException(ModelLoadErrorKind.UnsupportedTensorType,
                    $"stored as {source.DType}; supported are F32, F16 and BF16 (and Q8_0 in GGUF).", source.FilePath, key);
            plan.Add((parameter, source));
        }
        var resident = new List<(IResidentWeighted Module, WeightSource Source)>();
        foreach (var (name, module) in model.named_modules())
        {
            if (module is not IResidentWeighted { UsesResidentWeight: true } weighted) continue;
            resident.Add((weighted, Find(catalog, LlamaModel.CheckpointName(name + ".weight"), weighted.WeightShape)));
        }
        using var noGrad = torch.no_grad();
        foreach (var (target, source) in plan) Fill(target, source);
        foreach (var (module, source) in resident) module.Bind(model.Backend!.MakeResident(source));
    }

    /// <summary>The checkpoint's weight <paramref name="key"/>, checked to have <paramref name="shape"/>.</summary>
    private static WeightSource Find(WeightCatalog catalog, string key, long[] shape)
    {
        if (!catalog.Weights.TryGetValue(key, out var source))
            throw new ModelLoadException(ModelLoadErrorKind.MissingTensor,
                $"the model needs it with shape {TensorEntry.FormatShape(shape)}, but the checkpoint does not have it.", catalog.Source, key);
        if (!source.Shape.SequenceEqual(shape))
            throw new ModelLoadException(ModelLoadErrorKind.ShapeMismatch,
                $"the config implies shape {TensorEntry.FormatShape(shape)}, the checkpoint has {TensorEntry.FormatShape(source.Shape)}.", source.FilePath, key);
        return source;
    }

    private static void Fill(torch.Tensor target, WeightSource source)
    {
        using var scope = torch.NewDisposeScope();
        long rows = source.Rows, rowElements = source.RowElements;
        if (rows == 0 || rowElements == 0) return;
        long chunkRows = Math.Clamp(ChunkBytes / Math.Max(1, source.RowBytes), 1, rows);
        TorchDTypes.TryToTorch(source.DType, out var storedType);
        using var matrix = target.view(rows, rowElements);
        bool direct = target.device_type == DeviceType.CPU && target.dtype == storedType && target.is_contiguous();
        using var staging = direct ? null : torch.empty([chunkRows, rowElements], storedType);
        for (long start = 0; start < rows; start += chunkRows)
        {
            long n = Math.Min(chunkRows, rows - start);
            using var destination = matrix.narrow(0, start, n);
            if (direct)
            {
                source.ReadRows(start, n, destination.bytes);  // file bytes land in the parameter itself
                continue;
            }
            using var chunk = staging!.narrow(0, 0, n);
            source.ReadRows(start, n, chunk.bytes);
            destination.copy_(chunk);  // converts type and moves to the device
        }
    }
}
