using DeltaMerge.Formats;
using DeltaMerge.Pipeline.Jobs;
using DeltaMerge.Pipeline.Plan;

namespace DeltaMerge.Pipeline.Output;

/// <summary>
/// One output format of a job, owning everything that differs between formats: the element type and shard limit the
/// plan is made for, the atomic container and the sink the tensors stream into, the companion files, the report's
/// tensor rows and the checksum file. Used in this order: <see cref="Open"/>, the tensors, <see cref="WriteCompanions"/>,
/// <see cref="Commit"/>; disposing before the commit removes everything written.
/// </summary>
public interface IOutputTarget : IDisposable
{
    /// <summary>The element type the plan computes.</summary>
    DType PlanDType { get; }

    /// <summary>The largest shard, in bytes of tensor data.</summary>
    long MaxShardBytes { get; }

    /// <summary>The type name the report and summaries give (<c>f16</c>, <c>q8_0</c>).</summary>
    string TypeName { get; }

    /// <summary>
    /// Reads what the output takes from <paramref name="sources"/> (before execution: an input file is finished once its
    /// last tensor is read), creates the atomic container and returns the sink the plan's tensors stream into.
    /// </summary>
    /// <exception cref="CheckpointFormatException">A source the output needs is missing or malformed.</exception>
    ITensorSink Open(MergePlan plan, OutputSources sources);

    /// <summary>Writes the files that accompany the tensors (config, tokenizer) and returns them.</summary>
    IReadOnlyList<WrittenFile> WriteCompanions(OutputSources sources);

    /// <summary>The report's rows for the plan's tensors, named and typed as this format stores them.</summary>
    IReadOnlyList<TensorReport> TensorRows(MergePlan plan, IReadOnlyList<WrittenFile> written);

    /// <summary>Writes the report (where the format keeps one) and the checksum file, then moves the output into place.</summary>
    /// <returns>The committed output's path.</returns>
    /// <exception cref="OperationCanceledException">Cancelled before the rename; nothing is left behind.</exception>
    string Commit(MergeReport report, IReadOnlyList<WrittenFile> written, CancellationToken cancellationToken);
}
