using System.Globalization;

namespace Mycnet.Networking.Quic.Core.Tests.Mutation;

/// <summary>
/// The size and seed of the mutation campaign, overridable for longer local runs:
/// <c>MYCNET_MUTATION_ITERATIONS</c> (mutants, default 100,000), <c>MYCNET_MUTATION_SEED</c>
/// (campaign seed), <c>MYCNET_MUTATION_RUN</c> (replay only that run of the campaign).
/// </summary>
internal static class MutationSettings
{
    public const long DefaultIterations = 100_000;

    public const int DefaultSeed = 0x4d757431;

    public static long Iterations => Read("MYCNET_MUTATION_ITERATIONS") ?? DefaultIterations;

    public static int Seed => (int)(Read("MYCNET_MUTATION_SEED") ?? DefaultSeed);

    public static int? OnlyRun => Read("MYCNET_MUTATION_RUN") is { } run ? (int)run : null;

    private static long? Read(string name)
    {
        string? value = Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long parsed)
            ? parsed
            : throw new InvalidOperationException($"{name}='{value}' is not an integer.");
    }
}
