// MSBuild task compiled by RoslynCodeTaskFactory against netstandard2.0 (see TorchSharpNativeFix.targets); not part of any assembly.
//
// Why: TorchSharp 0.107.0's libLibTorchSharp.so lists GLIBCXX_3.4.32 in its version needs, which the libstdc++ of
// Debian 12 and Ubuntu 22.04 (up to 3.4.30) lacks, so the dynamic loader refuses the library. The only symbol tied to
// that version is _ZSt21ios_base_library_initv and no relocation references it, so re-labelling that one need as
// GLIBCXX_3.4.30 lets the library load and compute correctly. We patch the copy in the output folder, never the NuGet
// cache, and only when the system library lacks the version.
#nullable enable
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class PatchGlibcxxVersionNeed : Task
{
    private const string Wanted = "GLIBCXX_3.4.32";
    private const string Available = "GLIBCXX_3.4.30";
    private const uint ShtGnuVerneed = 0x6ffffffe;

    /// <summary>The copy of libLibTorchSharp.so in an output folder.</summary>
    [Required] public string Library { get; set; } = "";

    /// <summary>Directories searched for the system libstdc++.so.6, separated by ';'.</summary>
    public string SearchDirectories { get; set; } = "/lib/x86_64-linux-gnu;/usr/lib/x86_64-linux-gnu;/usr/lib64;/lib64;/usr/lib";

    public override bool Execute()
    {
        if (!File.Exists(Library)) return true;
        string? systemLib = FindSystemLibstdcxx();
        if (systemLib == null)
        {
            Log.LogMessage(MessageImportance.Normal, "No system libstdc++.so.6 found; leaving " + Library + " as shipped.");
            return true;
        }
        if (Contains(File.ReadAllBytes(systemLib), Encoding.ASCII.GetBytes(Wanted + "\0")))
        {
            Log.LogMessage(MessageImportance.Low, systemLib + " provides " + Wanted + "; no patch needed.");
            return true;
        }
        byte[] elf = File.ReadAllBytes(Library);
        string? error = Patch(elf, out bool changed);
        if (error != null)
        {
            Log.LogError("Cannot patch " + Library + " for " + systemLib + ": " + error);
            return false;
        }
        if (!changed)
        {
            Log.LogMessage(MessageImportance.Low, Library + " already needs no " + Wanted + ".");
            return true;
        }
        // Write beside and rename, so a hard link to the NuGet cache (if any) is broken rather than written through.
        string temp = Library + ".patching";
        File.WriteAllBytes(temp, elf);
        File.Delete(Library);
        File.Move(temp, Library);
        Log.LogMessage(MessageImportance.High, "Patched " + Library + ": version need " + Wanted + " -> " + Available + " (system " + systemLib + " lacks it).");
        return true;
    }

    private string? FindSystemLibstdcxx()
    {
        foreach (string dir in SearchDirectories.Split(new[] { ';' }, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, "libstdc++.so.6");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>Rewrites the Vernaux entry named <see cref="Wanted"/>: name and ELF hash become those of <see cref="Available"/>.</summary>
    internal static string? Patch(byte[] elf, out bool changed)
    {
        changed = false;
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F') return "not an ELF file";
        if (elf[4] != 2 || elf[5] != 1) return "not a 64-bit little-endian ELF file";
        long shoff = (long)U64(elf, 0x28);
        int shentsize = U16(elf, 0x3A), shnum = U16(elf, 0x3C);
        if (shoff <= 0 || shentsize < 64 || shoff + (long)shentsize * shnum > elf.Length) return "section header table out of bounds";
        for (int i = 0; i < shnum; i++)
        {
            int sh = (int)(shoff + (long)i * shentsize);
            if (U32(elf, sh + 4) != ShtGnuVerneed) continue;
            int verneedOffset = (int)U64(elf, sh + 0x18);
            int link = (int)U32(elf, sh + 0x28);
            if (link >= shnum) return "version-needs section links to a missing string table";
            int strtab = (int)U64(elf, (int)(shoff + (long)link * shentsize) + 0x18);
            return PatchVerneed(elf, verneedOffset, strtab, out changed);
        }
        return "no .gnu.version_r section";
    }

    private static string? PatchVerneed(byte[] elf, int verneed, int strtab, out bool changed)
    {
        changed = false;
        int wantedAux = -1;
        uint availableName = 0;
        bool haveAvailableName = false;
        for (int need = verneed; ; )
        {
            int count = U16(elf, need + 2);
            int aux = need + (int)U32(elf, need + 8);
            for (int j = 0; j < count; j++)
            {
                uint nameOffset = U32(elf, aux + 8);
                string name = CString(elf, strtab + (int)nameOffset);
                if (name == Wanted) wantedAux = aux;
                if (name == Available) { availableName = nameOffset; haveAvailableName = true; }
                uint nextAux = U32(elf, aux + 12);
                if (nextAux == 0) break;
                aux += (int)nextAux;
            }
            uint next = U32(elf, need + 12);
            if (next == 0) break;
            need += (int)next;
        }
        if (wantedAux < 0) return null;
        if (haveAvailableName)
        {
            WriteU32(elf, wantedAux + 8, availableName);
        }
        else
        {
            // Same length: overwrite the string itself.
            int at = strtab + (int)U32(elf, wantedAux + 8);
            Encoding.ASCII.GetBytes(Available).CopyTo(elf, at);
        }
        WriteU32(elf, wantedAux, ElfHash(Available));
        changed = true;
        return null;
    }

    /// <summary>The System V ABI's ELF hash, which the loader compares before the name.</summary>
    internal static uint ElfHash(string name)
    {
        uint h = 0;
        foreach (char c in name)
        {
            h = (h << 4) + (byte)c;
            uint g = h & 0xf0000000;
            if (g != 0) h ^= g >> 24;
            h &= ~g;
        }
        return h;
    }

    private static bool Contains(byte[] haystack, byte[] needle)
    {
        // The task compiles against netstandard2.0 (no span search), so a plain scan.
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
        {
            int k = 0;
            while (k < needle.Length && haystack[i + k] == needle[k]) k++;
            if (k == needle.Length) return true;
        }
        return false;
    }
    private static ushort U16(byte[] b, int o) => BitConverter.ToUInt16(b, o);
    private static uint U32(byte[] b, int o) => BitConverter.ToUInt32(b, o);
    private static ulong U64(byte[] b, int o) => BitConverter.ToUInt64(b, o);
    private static void WriteU32(byte[] b, int o, uint v) => BitConverter.GetBytes(v).CopyTo(b, o);

    private static string CString(byte[] b, int o)
    {
        int end = Array.IndexOf(b, (byte)0, o);
        return Encoding.ASCII.GetString(b, o, (end < 0 ? b.Length : end) - o);
    }
}
