using FsCheck;
using Microsoft.FSharp.Core;

namespace Mycnet.Networking.Protocols.Tests.Support;

/// <summary>
/// Runs FsCheck properties deterministically: a fixed seed (so a failure reproduces) and QuickThrowOnFailure
/// (so a falsified property throws and fails the xunit test).
/// </summary>
internal static class Properties
{
    private const ulong Seed = 0x5eed_c0de_2026UL;

    public static Config Config(int maxTest = 200) =>
        FsCheck.Config.QuickThrowOnFailure
            .WithMaxTest(maxTest)
            .WithQuietOnSuccess(true)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(Seed, 0x9e37_79b9_7f4a_7c15UL), FSharpOption<int>.None)));

    public static void Check(Property property, int maxTest = 200) => FsCheck.Check.One(Config(maxTest), property);
}
