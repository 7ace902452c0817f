// Where the decode kernels stop paying: forward time of T tokens (prefill, last logits only) with every projection on
// the matrix-vector kernels against every projection widened for libtorch's float32 GEMM, on one model, in one run.
// For scripts/bench/crossover (a .NET file-based app).
// Usage: dotnet run scripts/bench/crossover-app/BenchCrossover.cs -- MODEL THREADS
#:project ../../../src/DeltaMerge.Runtime/DeltaMerge.Runtime.csproj
#:property Configuration=Release
#:property PublishAot=false
#:property AllowUnsafeBlocks=true
using System.Diagnostics;
using DeltaMerge.Compute;
using DeltaMerge.Runtime;

string model = args[0];
int threads = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
int[] counts = [1, 2, 4, 8, 16, 32, 64, 128];
var seconds = new Dictionary<string, double[]>();
foreach (var (name, limit) in new[] { ("kernels", int.MaxValue), ("gemm", 0) })
{
    using var runtime = LlamaRuntime.Load(model, new RuntimeOptions { Device = DeviceChoice.Cpu, Threads = threads, DecodeRowLimit = limit });
    var best = new double[counts.Length];
    for (int i = 0; i < counts.Length; i++)
    {
        int[] ids = Enumerable.Range(0, counts[i]).Select(t => 100 + t).ToArray();
        best[i] = double.MaxValue;
        for (int run = 0; run < 3; run++)   // the first run also faults the weights in
        {
            using var cache = runtime.NewCache();
            var clock = Stopwatch.StartNew();
            using (runtime.Forward(ids, cache, lastOnly: true)) { }
            best[i] = Math.Min(best[i], clock.Elapsed.TotalSeconds);
        }
    }
    seconds[name] = best;
}
Console.WriteLine("| tokens | kernels s | widen + GEMM s | faster |");
Console.WriteLine("|---|---|---|---|");
for (int i = 0; i < counts.Length; i++)
    Console.WriteLine(FormattableString.Invariant(
        $"| {counts[i]} | {seconds["kernels"][i]:F3} | {seconds["gemm"][i]:F3} | {(seconds["kernels"][i] <= seconds["gemm"][i] ? "kernels" : "GEMM")} |"));
