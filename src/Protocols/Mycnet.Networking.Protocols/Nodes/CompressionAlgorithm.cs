namespace Mycnet.Networking.Protocols.Nodes;

/// <summary>A payload compression algorithm (all from System.IO.Compression).</summary>
public enum CompressionAlgorithm
{
    /// <summary>No compression.</summary>
    None = 0,

    /// <summary>Raw DEFLATE (RFC 1951).</summary>
    Deflate = 1,

    /// <summary>Brotli (RFC 7932).</summary>
    Brotli = 2,
}

/// <summary>A set of compression algorithms a node supports or a profile allows.</summary>
[Flags]
public enum CompressionAlgorithms
{
    /// <summary>None but "no compression", which every node supports.</summary>
    None = 0,

    /// <summary>DEFLATE.</summary>
    Deflate = 1 << (CompressionAlgorithm.Deflate - 1),

    /// <summary>Brotli.</summary>
    Brotli = 1 << (CompressionAlgorithm.Brotli - 1),

    /// <summary>Every algorithm the SDK implements.</summary>
    All = Deflate | Brotli,
}

/// <summary>Helpers over <see cref="CompressionAlgorithms"/>.</summary>
public static class CompressionAlgorithmSet
{
    /// <summary>Whether <paramref name="set"/> holds <paramref name="algorithm"/> (<see cref="CompressionAlgorithm.None"/> is always held).</summary>
    public static bool Supports(this CompressionAlgorithms set, CompressionAlgorithm algorithm) =>
        algorithm == CompressionAlgorithm.None || (algorithm is CompressionAlgorithm.Deflate or CompressionAlgorithm.Brotli && (set & ToSet(algorithm)) != 0);

    /// <summary>The one-element set of <paramref name="algorithm"/> (empty for None).</summary>
    public static CompressionAlgorithms ToSet(this CompressionAlgorithm algorithm) =>
        algorithm == CompressionAlgorithm.None ? CompressionAlgorithms.None : (CompressionAlgorithms)(1 << ((int)algorithm - 1));

    /// <summary>The algorithm in <paramref name="set"/> with the best ratio (Brotli, then Deflate, then None).</summary>
    public static CompressionAlgorithm BestRatio(this CompressionAlgorithms set) =>
        set.Supports(CompressionAlgorithm.Brotli) ? CompressionAlgorithm.Brotli
        : set.Supports(CompressionAlgorithm.Deflate) ? CompressionAlgorithm.Deflate
        : CompressionAlgorithm.None;

    /// <summary>The cheapest algorithm in <paramref name="set"/> that still compresses (Deflate, then Brotli, then None).</summary>
    public static CompressionAlgorithm Cheapest(this CompressionAlgorithms set) =>
        set.Supports(CompressionAlgorithm.Deflate) ? CompressionAlgorithm.Deflate
        : set.Supports(CompressionAlgorithm.Brotli) ? CompressionAlgorithm.Brotli
        : CompressionAlgorithm.None;
}
