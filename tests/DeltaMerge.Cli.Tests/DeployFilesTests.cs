using System.Diagnostics;
using System.Text.RegularExpressions;
using DeltaMerge.Eval.Sharding;
using DeltaMerge.Tests.Shared;
using YamlDotNet.RepresentationModel;

namespace DeltaMerge.Cli.Tests;

/// <summary>
/// deploy/: the Kubernetes manifests parse as YAML and give the CLI what it reads (an Indexed Job whose completions
/// equal DELTAMERGE_SHARD_COUNT, options the commands accept, the merge reading the shards' --out); the Slurm scripts
/// pass bash -n and name the array variables. Nothing here can start a cluster.
/// </summary>
public sealed partial class DeployFilesTests
{
    private static string Deploy(params string[] parts) => Path.Combine([RepoPaths.Root, "deploy", .. parts]);

    private static YamlMappingNode Manifest(string name)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Deploy("kubernetes", name))) yaml.Load(reader);
        Assert.That(yaml.Documents, Has.Count.EqualTo(1), name);
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    private static YamlNode At(YamlNode node, params string[] path)
    {
        foreach (string key in path) node = ((YamlMappingNode)node).Children[new YamlScalarNode(key)];
        return node;
    }

    private static string Text(YamlNode node, params string[] path) => ((YamlScalarNode)At(node, path)).Value!;

    private static YamlMappingNode Container(YamlMappingNode job) => (YamlMappingNode)((YamlSequenceNode)At(job, "spec", "template", "spec", "containers")).Single();

    private static List<string> Args(YamlMappingNode job) => ((YamlSequenceNode)At(Container(job), "args")).Select(n => ((YamlScalarNode)n).Value!).ToList();

    private static string After(List<string> args, string option) => args[args.IndexOf(option) + 1];

    /// <summary>Every --option used must be one that `deltamerge COMMAND --help` lists.</summary>
    private static void AssertOptionsExist(string command, IEnumerable<string> used)
    {
        var help = CliProcess.Run(command, "--help");
        Assert.That(help.ExitCode, Is.Zero, help.Stderr);
        foreach (string option in used.Where(a => a.StartsWith("--", StringComparison.Ordinal)))
            Assert.That(help.Stdout, Does.Contain(option + " ").Or.Contain(option + ","), $"{command} has no option {option}");
    }

    [Test]
    public void KubernetesShardsAreAnIndexedJobWithTheCountTheCliReads()
    {
        var job = Manifest("eval-shards-job.yaml");
        Assert.That((Text(job, "apiVersion"), Text(job, "kind")), Is.EqualTo(("batch/v1", "Job")));
        Assert.That(Text(job, "spec", "completionMode"), Is.EqualTo("Indexed"), "JOB_COMPLETION_INDEX is set only in Indexed Jobs");
        Assert.That(Text(job, "spec", "template", "spec", "restartPolicy"), Is.EqualTo("Never"));
        var env = ((YamlSequenceNode)At(Container(job), "env")).Cast<YamlMappingNode>().ToDictionary(e => Text(e, "name"), e => Text(e, "value"));
        Assert.That(env[ShardEnvironment.CountVariable], Is.EqualTo(Text(job, "spec", "completions")), "the shard count is the Job's completions");
        Assert.That(env.Keys, Does.Not.Contain(ShardEnvironment.KubernetesIndex), "Kubernetes sets the index itself");

        var args = Args(job);
        Assert.That(args[0], Is.EqualTo("eval-suite"));
        Assert.That(args, Does.Contain("--resume"), "a retried pod continues its shard");
        Assert.That(args, Does.Not.Contain("--shard"), "the shard comes from the Job's index");
        AssertOptionsExist("eval-suite", args);
        AssertOnTheSharedVolume(job, args, "--model", "--data-dir", "--out");
    }

    [Test]
    public void KubernetesMergeReadsTheShardsOutput()
    {
        var shards = Args(Manifest("eval-shards-job.yaml"));
        var job = Manifest("eval-merge-job.yaml");
        var args = Args(job);
        Assert.That(args[0], Is.EqualTo("eval-merge"));
        Assert.That(args[^1], Is.EqualTo(After(shards, "--out")), "the merge reads the directory holding the shards");
        Assert.That(After(args, "--out"), Is.Not.EqualTo(After(shards, "--out")));
        AssertOptionsExist("eval-merge", args);
        AssertOnTheSharedVolume(job, args, "--out");
    }

    /// <summary>The paths given are under the container's mount of the PVC that shared-volume.yaml defines.</summary>
    private static void AssertOnTheSharedVolume(YamlMappingNode job, List<string> args, params string[] options)
    {
        var pvc = Manifest("shared-volume.yaml");
        Assert.That(Text(pvc, "kind"), Is.EqualTo("PersistentVolumeClaim"));
        var volume = ((YamlSequenceNode)At(job, "spec", "template", "spec", "volumes")).Cast<YamlMappingNode>().Single();
        Assert.That(Text(volume, "persistentVolumeClaim", "claimName"), Is.EqualTo(Text(pvc, "metadata", "name")));
        var mount = ((YamlSequenceNode)At(Container(job), "volumeMounts")).Cast<YamlMappingNode>().Single();
        Assert.That(Text(mount, "name"), Is.EqualTo(Text(volume, "name")));
        foreach (string option in options) Assert.That(After(args, option), Does.StartWith(Text(mount, "mountPath") + "/"), option);
    }

    [TestCase("eval-shards.sbatch")]
    [TestCase("eval-merge.sbatch")]
    [TestCase("submit.sh")]
    public void SlurmScriptsPassBashSyntaxCheck(string name)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-n");
        psi.ArgumentList.Add(Deploy("slurm", name));
        using var p = Process.Start(psi)!;
        string errors = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.That(p.ExitCode, Is.Zero, errors);
    }

    [Test]
    public void SlurmArrayRunsTheShardsAndTheMergeWaitsForThemAll()
    {
        string shards = File.ReadAllText(Deploy("slurm", "eval-shards.sbatch"));
        Assert.That(ArrayLine().Match(shards).Success, Is.True, "#SBATCH --array=0-N (one contiguous range)");
        foreach (string variable in new[] { ShardEnvironment.SlurmId, ShardEnvironment.SlurmCount, ShardEnvironment.SlurmMin })
            Assert.That(shards, Does.Contain(variable));
        string command = shards.Split('\n').Single(l => l.Contains(" eval-suite ", StringComparison.Ordinal));
        AssertOptionsExist("eval-suite", command.Split(' '));
        Assert.That(command, Does.Contain("--resume").And.Contain("--out \"$RUN\""));

        string merge = File.ReadAllText(Deploy("slurm", "eval-merge.sbatch"));
        string mergeCommand = merge.Split('\n').Single(l => l.Contains(" eval-merge ", StringComparison.Ordinal));
        Assert.That(mergeCommand, Does.EndWith("\"$RUN\""), "the merge reads the directory holding the shards");
        AssertOptionsExist("eval-merge", mergeCommand.Split(' '));
        Assert.That(File.ReadAllText(Deploy("slurm", "submit.sh")), Does.Contain("--dependency=\"afterok:${shards_job}\""));
    }

    [GeneratedRegex(@"^#SBATCH --array=0-[0-9]+(%[0-9]+)?$", RegexOptions.Multiline)]
    private static partial Regex ArrayLine();
}
