// Our tokenizer's encoding speed on one long text, for scripts/bench/tokenizer (a .NET file-based app).
// Usage: dotnet run scripts/bench/tokenizer-app/BenchTokenizer.cs -- TEXT_FILE NAME=MODEL_DIR...
#:project ../../../src/DeltaMerge.Tokenization/DeltaMerge.Tokenization.csproj
#:property Configuration=Release
#:property PublishAot=false
using System.Diagnostics;
using System.Text.Json;
using DeltaMerge.Tokenization;

string text = File.ReadAllText(args[0]);
var results = new Dictionary<string, object>();
foreach (string spec in args.Skip(1))
{
    string[] parts = spec.Split('=', 2);
    var options = new LlamaTokenizerOptions { AddedTokens = AddedTokenHandling.None };
    int tokens = 0;
    for (int run = 0; run < 3; run++) // warm up: the JIT's optimized code arrives after a few calls and a delay
        tokens = LlamaTokenizer.FromDirectory(parts[1], options).Encode(text, addBos: false).Count;
    double best = double.MaxValue;
    for (int run = 0; run < 10; run++)
    {
        // A fresh tokenizer each time: its cache of words starts empty, so only repeats within the text are looked up.
        var tok = LlamaTokenizer.FromDirectory(parts[1], options);
        var clock = Stopwatch.StartNew();
        tokens = tok.Encode(text, addBos: false).Count;
        best = Math.Min(best, clock.Elapsed.TotalSeconds);
    }
    results[parts[0]] = new Dictionary<string, object>
    {
        ["chars"] = text.Length, ["tokens"] = tokens, ["seconds"] = best, ["tokens_per_second"] = tokens / best,
    };
}
Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
{
    ["runtime"] = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
    ["vocabularies"] = results,
}, new JsonSerializerOptions { WriteIndented = true }));
