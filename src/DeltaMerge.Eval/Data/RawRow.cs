using System.Text.Json.Nodes;

namespace DeltaMerge.Eval.Data;

/// <summary>One row of a data file as JSON, before the task reads it.</summary>
/// <param name="Values">Columns by name (Parquet structs become objects, lists arrays).</param>
/// <param name="Path">The file.</param>
/// <param name="Location">"line N" or "row N", for error messages.</param>
internal sealed record RawRow(JsonObject Values, string Path, string Location);
