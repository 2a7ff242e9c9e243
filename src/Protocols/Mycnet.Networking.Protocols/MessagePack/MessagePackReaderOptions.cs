namespace Mycnet.Networking.Protocols.MessagePack;

/// <summary>
/// Limits a <see cref="MessagePackReader"/> enforces on untrusted input. Every length and count read from the
/// input is checked against these before anything is sliced, copied or allocated; a value over a limit fails
/// with <see cref="MessagePackError.LimitExceeded"/>.
/// </summary>
public sealed class MessagePackReaderOptions
{
    /// <summary>The largest <see cref="MaxDepth"/> the reader supports.</summary>
    public const int MaxSupportedDepth = 64;

    /// <summary>The defaults: depth 32, 1,048,576 elements, 1 MiB strings, 16 MiB binaries and extensions.</summary>
    public static MessagePackReaderOptions Default { get; } = new();

    /// <summary>The deepest nesting of arrays and maps (a top-level array is depth 1). 1 to <see cref="MaxSupportedDepth"/>.</summary>
    public int MaxDepth { get; init; } = 32;

    /// <summary>The most elements an array, or entries a map, may announce.</summary>
    public int MaxCollectionLength { get; init; } = 1 << 20;

    /// <summary>The longest string, in UTF-8 bytes.</summary>
    public int MaxStringLength { get; init; } = 1 << 20;

    /// <summary>The longest binary value, in bytes.</summary>
    public int MaxBinaryLength { get; init; } = 16 << 20;

    /// <summary>The longest extension payload, in bytes.</summary>
    public int MaxExtensionLength { get; init; } = 16 << 20;

    /// <summary>Checks that every limit is in range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A limit is out of range.</exception>
    public void Validate()
    {
        Guard.InRange(MaxDepth, 1, MaxSupportedDepth, nameof(MaxDepth));
        Guard.InRange(MaxCollectionLength, 0, int.MaxValue, nameof(MaxCollectionLength));
        Guard.InRange(MaxStringLength, 0, int.MaxValue, nameof(MaxStringLength));
        Guard.InRange(MaxBinaryLength, 0, int.MaxValue, nameof(MaxBinaryLength));
        Guard.InRange(MaxExtensionLength, 0, int.MaxValue, nameof(MaxExtensionLength));
    }
}
