using Mycnet.Networking.Protocols.Nodes;

namespace Mycnet.Networking.Protocols.Profiles;

/// <summary>How streaming bodies are cut: the chunk size used until a strategy re-tunes it, and the bounds it must stay in.</summary>
public sealed record ChunkingSettings
{
    /// <summary>The smallest chunk size any profile may use (1 KiB).</summary>
    public const int MinimumChunkSize = 1024;

    /// <summary>The largest chunk size any profile may use (16 MiB).</summary>
    public const int MaximumChunkSize = 16 << 20;

    /// <summary>The chunk size until a strategy re-tunes it.</summary>
    public int DefaultChunkSize { get; init; } = 256 * 1024;

    /// <summary>The bounds every re-tuned chunk size stays within.</summary>
    public ChunkSizeRange Bounds { get; init; } = new(128 * 1024, 512 * 1024);

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">A size is out of range, or the default is outside the bounds.</exception>
    public void Validate()
    {
        Guard.InRange(Bounds.Min, MinimumChunkSize, MaximumChunkSize, "Bounds.Min");
        Guard.InRange(Bounds.Max, Bounds.Min, MaximumChunkSize, "Bounds.Max");
        Guard.InRange(DefaultChunkSize, Bounds.Min, Bounds.Max, nameof(DefaultChunkSize));
    }
}
