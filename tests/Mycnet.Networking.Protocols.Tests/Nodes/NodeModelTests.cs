using Mycnet.Networking.Protocols.Nodes;

namespace Mycnet.Networking.Protocols.Tests.Nodes;

public class NodeModelTests
{
    [Fact]
    public void NodeId_RoundTripsThroughBytesAndHex()
    {
        NodeId id = NodeId.NewId();
        Span<byte> bytes = stackalloc byte[NodeId.Length];
        id.WriteTo(bytes);
        Assert.Equal(id, new NodeId(bytes));
        Assert.Equal(id, NodeId.Parse(id.ToString()));
        Assert.Equal(32, id.ToString().Length);
        Assert.False(id.IsEmpty);
        Assert.True(NodeId.Empty.IsEmpty);
    }

    [Fact]
    public void NodeId_OrdersByBigEndianBytes()
    {
        var low = new NodeId(1, ulong.MaxValue);
        var high = new NodeId(2, 0);
        Assert.True(low < high);
        Assert.Equal(-1, low.CompareTo(high));
        Assert.Equal("0000000000000001ffffffffffffffff", low.ToString());
    }

    [Fact]
    public void NodeId_RejectsBadLengthsAndText()
    {
        Assert.Throws<ArgumentException>(() => new NodeId(new byte[15]));
        Assert.Throws<FormatException>(() => NodeId.Parse("xyz"));
        Assert.False(NodeId.TryParse(new string('g', 32), out _));
        Assert.Throws<ArgumentException>(() => NodeId.NewId().WriteTo(new byte[8]));
    }

    [Fact]
    public void NodeCapabilities_ValidateRejectsOutOfRangeFields()
    {
        NodeCapabilities.Default.Validate();
        Assert.Equal("MaxMessageSize", Assert.ThrowsAny<ArgumentException>(() => new NodeCapabilities { MaxMessageSize = 100 }.Validate()).ParamName);
        Assert.Equal("BandwidthClass", Assert.ThrowsAny<ArgumentException>(() => new NodeCapabilities { BandwidthClass = 0 }.Validate()).ParamName);
        Assert.Equal("Compression", Assert.ThrowsAny<ArgumentException>(() => new NodeCapabilities { Compression = (CompressionAlgorithms)8 }.Validate()).ParamName);
        Assert.Equal("MinProtocolVersion", Assert.ThrowsAny<ArgumentException>(() => new NodeCapabilities { MinProtocolVersion = 0 }.Validate()).ParamName);
        Assert.Equal("MaxProtocolVersion", Assert.ThrowsAny<ArgumentException>(() => new NodeCapabilities { MinProtocolVersion = 2, MaxProtocolVersion = 1 }.Validate()).ParamName);
    }

    [Theory]
    [InlineData(BandwidthClass.Ethernet, 512, 1024)]
    [InlineData(BandwidthClass.WiFi, 256, 512)]
    [InlineData(BandwidthClass.Cellular, 128, 256)]
    [InlineData(BandwidthClass.Constrained, 64, 128)]
    public void BandwidthClass_ChunkRanges_FollowTheInterfaceClassTable(BandwidthClass bandwidthClass, int minKiB, int maxKiB) =>
        Assert.Equal(new ChunkSizeRange(minKiB * 1024, maxKiB * 1024), BandwidthClassInfo.ChunkRange(bandwidthClass));

    [Theory]
    [InlineData(100_000_000L, BandwidthClass.Ethernet)]
    [InlineData(50_000_000L, BandwidthClass.Ethernet)]
    [InlineData(49_999_999L, BandwidthClass.WiFi)]
    [InlineData(5_000_000L, BandwidthClass.WiFi)]
    [InlineData(500_000L, BandwidthClass.Cellular)]
    [InlineData(499_999L, BandwidthClass.Constrained)]
    public void BandwidthClass_FromThroughput_UsesTheDocumentedBands(long bytesPerSecond, BandwidthClass expected) =>
        Assert.Equal(expected, BandwidthClassInfo.FromThroughput(bytesPerSecond));

    [Theory]
    [InlineData(1, BandwidthClass.Ethernet)]
    [InlineData(10, BandwidthClass.WiFi)]
    [InlineData(39, BandwidthClass.WiFi)]
    [InlineData(40, BandwidthClass.Cellular)]
    [InlineData(150, BandwidthClass.Constrained)]
    public void BandwidthClass_FromRoundTripTime_UsesTheDocumentedBands(int milliseconds, BandwidthClass expected) =>
        Assert.Equal(expected, BandwidthClassInfo.FromRoundTripTime(TimeSpan.FromMilliseconds(milliseconds)));

    [Fact]
    public void CompressionAlgorithmSet_PicksBestRatioAndCheapest()
    {
        Assert.Equal(CompressionAlgorithm.Brotli, CompressionAlgorithms.All.BestRatio());
        Assert.Equal(CompressionAlgorithm.Deflate, CompressionAlgorithms.All.Cheapest());
        Assert.Equal(CompressionAlgorithm.Deflate, CompressionAlgorithms.Deflate.BestRatio());
        Assert.Equal(CompressionAlgorithm.None, CompressionAlgorithms.None.BestRatio());
        Assert.True(CompressionAlgorithms.None.Supports(CompressionAlgorithm.None));
        Assert.False(CompressionAlgorithms.Deflate.Supports(CompressionAlgorithm.Brotli));
        Assert.False(CompressionAlgorithms.All.Supports((CompressionAlgorithm)3));
    }

    [Fact]
    public void ChunkSizeRange_WithinClampsBothEnds()
    {
        var range = new ChunkSizeRange(64, 128);
        Assert.Equal(new ChunkSizeRange(100, 128), range.Within(new ChunkSizeRange(100, 1000)));
        Assert.Equal(new ChunkSizeRange(200, 200), range.Within(new ChunkSizeRange(200, 300)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ChunkSizeRange(0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ChunkSizeRange(5, 4));
    }
}
