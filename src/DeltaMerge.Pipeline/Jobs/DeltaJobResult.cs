using DeltaMerge.Pipeline.Execution;
using DeltaMerge.Pipeline.Plan;

namespace DeltaMerge.Pipeline.Jobs;

/// <summary>The outcome of a job.</summary>
/// <param name="Plan">What was planned.</param>
/// <param name="Report">The report (also written as merge-report.json); null for a dry run.</param>
/// <param name="OutputPath">The committed output directory; null for a dry run.</param>
/// <param name="Stats">Pipeline statistics; null for a dry run.</param>
public sealed record DeltaJobResult(MergePlan Plan, MergeReport? Report, string? OutputPath, ExecutionStats? Stats);
