namespace Mycnet.Networking.Quic.Core.Crypto;

/// <summary>
/// Counts received packets that failed authentication over the lifetime of a connection, across
/// all keys (RFC 9001 §6.6). Every key of a connection shares one counter. The limit is the
/// lowest integrity limit of the AEADs that have failed so far, so one ChaCha20-Poly1305 failure
/// lowers it from 2^52 to 2^36. Once <see cref="IsLimitExceeded"/>, the connection closes with
/// AEAD_LIMIT_REACHED and processes no more packets.
/// </summary>
internal sealed class AeadIntegrityCounter
{
    private readonly long _limitOverride;

    /// <summary>Creates a counter with the RFC limits.</summary>
    public AeadIntegrityCounter()
        : this(long.MaxValue)
    {
    }

    /// <summary>Creates a counter whose limit is at most <paramref name="limitOverride"/> (tests use small values).</summary>
    public AeadIntegrityCounter(long limitOverride)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limitOverride);
        _limitOverride = limitOverride;
        Limit = limitOverride;
    }

    /// <summary>Packets that failed authentication so far.</summary>
    public long FailedPackets { get; private set; }

    /// <summary>The integrity limit in force: the lowest limit of the AEADs that failed, or the override.</summary>
    public long Limit { get; private set; }

    /// <summary>Whether more packets failed than the limit allows (RFC 9001 §6.6: close with AEAD_LIMIT_REACHED).</summary>
    public bool IsLimitExceeded => FailedPackets > Limit;

    /// <summary>Records one packet that failed authentication under a key of <paramref name="suite"/>.</summary>
    public void RecordFailure(CipherSuite suite)
    {
        FailedPackets++;
        Limit = Math.Min(Limit, Math.Min(_limitOverride, suite.IntegrityLimit()));
    }
}
