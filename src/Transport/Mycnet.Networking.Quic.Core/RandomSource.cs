using System.Security.Cryptography;

namespace Mycnet.Networking.Quic.Core;

/// <summary>
/// The engine's source of unpredictable bytes: connection IDs, stateless reset filler, path
/// challenge data, Retry token nonces. Production uses the operating system's CSPRNG; tests inject
/// a seeded source so a simulated run replays from its seed.
/// </summary>
internal interface IRandomSource
{
    /// <summary>Fills <paramref name="destination"/> with random bytes.</summary>
    void Fill(Span<byte> destination);
}

/// <summary>The operating system's cryptographically secure generator.</summary>
internal sealed class CryptoRandomSource : IRandomSource
{
    /// <summary>The shared instance; <see cref="RandomNumberGenerator.Fill"/> is thread-safe.</summary>
    public static readonly CryptoRandomSource Instance = new();

    private CryptoRandomSource()
    {
    }

    public void Fill(Span<byte> destination) => RandomNumberGenerator.Fill(destination);
}
