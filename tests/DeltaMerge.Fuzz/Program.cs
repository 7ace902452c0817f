using DeltaMerge.Fuzz;
using SharpFuzz;

// DeltaMerge.Fuzz TARGET                 run under afl-fuzz (SharpFuzz's fork-server loop; one run of stdin otherwise)
// DeltaMerge.Fuzz replay TARGET PATH...  check the contract on saved inputs (files or directories); exit 1 on a violation
// DeltaMerge.Fuzz seeds DIR              write the binary seed inputs (small valid files made by our own writers)
// DeltaMerge.Fuzz list                   the target names
if (args is ["list"])
{
    foreach (var t in FuzzTargets.All) Console.WriteLine(t.Name);
    return 0;
}
if (args is ["seeds", var seedDir])
{
    SeedWriter.WriteAll(seedDir);
    return 0;
}
if (args is ["replay", var replayTarget, .. var paths])
    return Replay.Run(FuzzTargets.Get(replayTarget), paths, Console.Out);
if (args is [var name])
{
    var target = FuzzTargets.Get(name);
    Fuzzer.Run(stream =>
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        FuzzContract.Run(target, buffer.ToArray());
    });
    return 0;
}
Console.Error.WriteLine("usage: DeltaMerge.Fuzz TARGET | replay TARGET PATH... | seeds DIR | list");
return 2;
