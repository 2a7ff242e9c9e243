using System.IO.Compression;
using System.Net.Security;
using Mycnet.Networking.Protocols.Nodes;
using Mycnet.Networking.Protocols.Profiles;

namespace Mycnet.Networking.Protocols.Tests.Profiles;

public class ProtocolProfileTests
{
    [Theory]
    [InlineData(NodeType.Sclerotia, NodeType.Sclerotia, ProtocolProfileKind.HighPerformance)]
    [InlineData(NodeType.Sclerotia, NodeType.Rhizomorph, ProtocolProfileKind.Adaptive)]
    [InlineData(NodeType.Rhizomorph, NodeType.Sclerotia, ProtocolProfileKind.Adaptive)]
    [InlineData(NodeType.Rhizomorph, NodeType.Rhizomorph, ProtocolProfileKind.Standard)]
    [InlineData(NodeType.Sclerotia, NodeType.Hyphae, ProtocolProfileKind.Lightweight)]
    [InlineData(NodeType.Hyphae, NodeType.Sclerotia, ProtocolProfileKind.Lightweight)]
    [InlineData(NodeType.Rhizomorph, NodeType.Hyphae, ProtocolProfileKind.Lightweight)]
    [InlineData(NodeType.Hyphae, NodeType.Rhizomorph, ProtocolProfileKind.Lightweight)]
    [InlineData(NodeType.Hyphae, NodeType.Hyphae, ProtocolProfileKind.Lightweight)]
    public void Profile_PairMatrix_MapsEveryNodeTypePair(NodeType a, NodeType b, ProtocolProfileKind expected) =>
        Assert.Equal(expected, ProtocolProfiles.ForPair(a, b));

    [Fact]
    public void Profile_PairMatrix_RejectsUnknownNodeTypes() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ProtocolProfiles.ForPair((NodeType)0, NodeType.Hyphae));

    [Fact]
    public void Profile_EveryBuiltInProfile_IsValidAndOfItsKind()
    {
        foreach (ProtocolProfileKind kind in Enum.GetValues<ProtocolProfileKind>())
        {
            ProtocolProfile profile = ProtocolProfiles.Get(kind);
            Assert.Equal(kind, profile.Kind);
            profile.Validate();
        }
    }

    [Fact]
    public void Profile_HighPerformance_SpendsMemoryForThroughputAndSkipsCompression()
    {
        ProtocolProfile p = ProtocolProfiles.HighPerformance;
        Assert.Equal(CongestionControlAlgorithm.Cubic, p.Transport.CongestionControl);
        Assert.Equal(64L << 20, p.Transport.InitialMaxData);
        Assert.Equal(16L << 20, p.Transport.InitialMaxStreamDataBidiRemote);
        Assert.Equal(1000, p.Transport.MaxBidirectionalStreams);
        Assert.True(p.Transport.DatagramsEnabled);
        Assert.Equal(ReliabilityMode.DatagramsForLossTolerant, p.Reliability);
        Assert.Equal(CompressionAlgorithm.None, p.Compression.Algorithm);
        Assert.Equal(CompressionAlgorithms.None, p.Compression.Allowed);
        Assert.Equal(1 << 20, p.Chunking.DefaultChunkSize);
        Assert.Equal(TlsCipherSuite.TLS_AES_128_GCM_SHA256, p.Transport.CipherSuitePreference[0]);
    }

    [Fact]
    public void Profile_Lightweight_KeepsOverheadSmallForEdgeClients()
    {
        ProtocolProfile p = ProtocolProfiles.Lightweight;
        Assert.Equal(CongestionControlAlgorithm.NewReno, p.Transport.CongestionControl);
        Assert.Equal(1L << 20, p.Transport.InitialMaxData);
        Assert.Equal(16, p.Transport.MaxBidirectionalStreams);
        Assert.False(p.Transport.DatagramsEnabled);
        Assert.Equal(TimeSpan.FromSeconds(25), p.Transport.KeepAliveInterval);
        Assert.Equal(CompressionAlgorithm.Brotli, p.Compression.Algorithm);
        Assert.Equal(1024, p.Compression.ThresholdBytes);
        Assert.Equal(TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256, p.Transport.CipherSuitePreference[0]);
        Assert.Equal(new ChunkSizeRange(32 * 1024, 128 * 1024), p.Chunking.Bounds);
    }

    [Fact]
    public void Profile_Kinds_AreOrderedFromLightestToHeaviest()
    {
        ProtocolProfile[] ordered = [ProtocolProfiles.Lightweight, ProtocolProfiles.Standard, ProtocolProfiles.Adaptive, ProtocolProfiles.HighPerformance];
        for (int i = 1; i < ordered.Length; i++)
        {
            Assert.True(ordered[i - 1].Kind < ordered[i].Kind);
            Assert.True(ordered[i - 1].Transport.InitialMaxData <= ordered[i].Transport.InitialMaxData);
            Assert.True(ordered[i - 1].Transport.MaxBidirectionalStreams <= ordered[i].Transport.MaxBidirectionalStreams);
        }
    }

    [Fact]
    public void Profile_Settings_AreValidatedWithClearExceptions()
    {
        ProtocolProfile good = ProtocolProfiles.Standard;
        AssertInvalid(good with { Transport = good.Transport with { InitialMaxData = 0 } }, "InitialMaxData");
        AssertInvalid(good with { Transport = good.Transport with { KeepAliveInterval = TimeSpan.FromMinutes(5) } }, "KeepAliveInterval");
        AssertInvalid(good with { Transport = good.Transport with { IdleTimeout = TimeSpan.Zero } }, "IdleTimeout");
        AssertInvalid(good with { Transport = good.Transport with { CipherSuitePreference = [] } }, "CipherSuitePreference");
        AssertInvalid(good with { Transport = good.Transport with { CipherSuitePreference = [TlsCipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA] } }, "CipherSuitePreference");
        AssertInvalid(good with { Transport = good.Transport with { CipherSuitePreference = [TlsCipherSuite.TLS_AES_128_GCM_SHA256, TlsCipherSuite.TLS_AES_128_GCM_SHA256] } }, "CipherSuitePreference");
        AssertInvalid(good with { Transport = good.Transport with { CongestionControl = (CongestionControlAlgorithm)7 } }, "CongestionControl");
        AssertInvalid(good with { Compression = good.Compression with { Algorithm = CompressionAlgorithm.Brotli } }, "Algorithm");
        AssertInvalid(good with { Compression = good.Compression with { ThresholdBytes = -1 } }, "ThresholdBytes");
        AssertInvalid(good with { Compression = good.Compression with { Level = (CompressionLevel)9 } }, "Level");
        AssertInvalid(good with { Chunking = new ChunkingSettings { DefaultChunkSize = 1 << 20, Bounds = new ChunkSizeRange(1024, 4096) } }, "DefaultChunkSize");
        AssertInvalid(good with { Chunking = new ChunkingSettings { DefaultChunkSize = 512, Bounds = new ChunkSizeRange(512, 4096) } }, "Bounds.Min");
        AssertInvalid(good with { Reliability = ReliabilityMode.DatagramsForLossTolerant }, "Reliability");
        AssertInvalid(good with { Kind = (ProtocolProfileKind)0 }, "Kind");
    }

    [Fact]
    public void Profile_TransportSettings_CompareCipherSuitesByValue()
    {
        TransportSettings a = ProtocolProfiles.Standard.Transport;
        TransportSettings b = a with { CipherSuitePreference = [.. a.CipherSuitePreference] };
        Assert.NotSame(a.CipherSuitePreference, b.CipherSuitePreference);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, b with { CipherSuitePreference = [.. a.CipherSuitePreference.Reverse()] });
        Assert.NotEqual(a, a with { IdleTimeout = TimeSpan.FromSeconds(31) });
    }

    [Fact]
    public void Profile_CompressionSettings_ConvertToThePayloadSettingsTheSerializerApplies()
    {
        var settings = ProtocolProfiles.Adaptive.Compression.ToPayloadSettings();
        Assert.Equal(CompressionAlgorithm.Deflate, settings.Algorithm);
        Assert.Equal(CompressionLevel.Fastest, settings.Level);
        Assert.True(settings.AppliesTo(4096));
        Assert.False(settings.AppliesTo(4095));
        Assert.False(ProtocolProfiles.HighPerformance.Compression.ToPayloadSettings().AppliesTo(1 << 20));
    }

    private static void AssertInvalid(ProtocolProfile profile, string parameter)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(profile.Validate);
        Assert.Equal(parameter, ex.ParamName);
    }
}
