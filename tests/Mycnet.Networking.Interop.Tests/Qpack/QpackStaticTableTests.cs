using Mycnet.Networking.Interop.Qpack;

namespace Mycnet.Networking.Interop.Tests.Qpack;

public sealed class QpackStaticTableTests
{
    [Theory]
    [InlineData(0, ":authority", "")]
    [InlineData(1, ":path", "/")]
    [InlineData(17, ":method", "GET")]
    [InlineData(23, ":scheme", "https")]
    [InlineData(25, ":status", "200")]
    [InlineData(31, "accept-encoding", "gzip, deflate, br")]
    [InlineData(85, "content-security-policy", "script-src 'none'; object-src 'none'; base-uri 'none'")]
    [InlineData(95, "user-agent", "")]
    [InlineData(98, "x-frame-options", "sameorigin")]
    public void Entries_match_rfc9204_appendix_a(int index, string name, string value)
    {
        Assert.True(QpackStaticTable.TryGet((ulong)index, out StaticEntry entry));
        Assert.Equal(new StaticEntry(name, value), entry);
    }

    [Fact]
    public void Has_99_entries_and_nothing_past_them()
    {
        Assert.Equal(99, QpackStaticTable.Count);
        Assert.False(QpackStaticTable.TryGet(99, out _));
        Assert.False(QpackStaticTable.TryGet(ulong.MaxValue, out _));
    }

    [Fact]
    public void Lookups_find_exact_fields_and_first_names()
    {
        Assert.Equal(25, QpackStaticTable.FindField(":status", "200"));
        Assert.Equal(-1, QpackStaticTable.FindField(":status", "201"));
        Assert.Equal(24, QpackStaticTable.FindName(":status"));
        Assert.Equal(4, QpackStaticTable.FindName("content-length"));
        Assert.Equal(-1, QpackStaticTable.FindName("x-not-there"));
    }
}
