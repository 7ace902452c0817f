using DeltaMerge.KernelCheck;

// Usage: DeltaMerge.KernelCheck            self-check on the best instruction set; exit 1 on a mismatch
//        DeltaMerge.KernelCheck --bench    weight-streaming GB/s table (scripts/bench/kernels)
//        DeltaMerge.KernelCheck --probe [--threads N]   memory read GB/s alone (scripts/bench/runtime)
if (args is ["--bench", ..]) return Bench.Run(Console.Out, args[1..]);
if (args is ["--probe", ..]) return Bench.RunProbe(Console.Out, args[1..]);
if (args.Length != 0)
{
    Console.Error.WriteLine("usage: DeltaMerge.KernelCheck [--bench [--seconds S] | --probe [--threads N]]");
    return 2;
}
return SelfCheck.Run(Console.Out) == 0 ? 0 : 1;
