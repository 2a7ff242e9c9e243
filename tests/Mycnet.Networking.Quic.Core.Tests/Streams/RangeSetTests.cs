using Mycnet.Networking.Quic.Core.Streams;

namespace Mycnet.Networking.Quic.Core.Tests.Streams;

public sealed class RangeSetTests
{
    [Fact]
    public void Add_MergesOverlappingAndAdjacentRanges()
    {
        var set = new RangeSet();
        set.Add(10, 20);
        set.Add(30, 40);
        set.Add(20, 25);
        Assert.Equal(2, set.Count);
        Assert.Equal(new ByteRange(10, 25), set[0]);
        set.Add(5, 35);
        Assert.Equal(1, set.Count);
        Assert.Equal(new ByteRange(5, 40), set[0]);
    }

    [Fact]
    public void Remove_SplitsARange()
    {
        var set = new RangeSet();
        set.Add(0, 100);
        set.Remove(40, 60);
        Assert.Equal(2, set.Count);
        Assert.Equal(new ByteRange(0, 40), set[0]);
        Assert.Equal(new ByteRange(60, 100), set[1]);
        set.RemoveBelow(50);
        Assert.Equal(new ByteRange(60, 100), set.First);
        set.RemoveBelow(70);
        Assert.Equal(new ByteRange(70, 100), set.First);
    }

    [Fact]
    public void Gaps_ListTheUncoveredParts()
    {
        var set = new RangeSet();
        set.Add(10, 20);
        set.Add(30, 40);
        var gaps = new List<ByteRange>();
        foreach (ByteRange g in set.Gaps(0, 50))
        {
            gaps.Add(g);
        }

        Assert.Equal([new ByteRange(0, 10), new ByteRange(20, 30), new ByteRange(40, 50)], gaps);
        Assert.True(set.Contains(12, 18));
        Assert.False(set.Contains(15, 35));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void RandomOperations_MatchABitmapModel(int seed)
    {
        var random = new Random(seed);
        var set = new RangeSet(1);
        var model = new bool[512];
        for (int step = 0; step < 2000; step++)
        {
            int a = random.Next(512);
            int b = Math.Min(512, a + random.Next(1, 40));
            switch (random.Next(3))
            {
                case 0:
                    set.Add((ulong)a, (ulong)b);
                    Array.Fill(model, true, a, b - a);
                    break;
                case 1:
                    set.Remove((ulong)a, (ulong)b);
                    Array.Fill(model, false, a, b - a);
                    break;
                default:
                    var fromGaps = new bool[512];
                    Array.Fill(fromGaps, true, a, b - a);
                    foreach (ByteRange g in set.Gaps((ulong)a, (ulong)b))
                    {
                        Array.Fill(fromGaps, false, (int)g.Start, (int)g.Length);
                    }

                    for (int i = a; i < b; i++)
                    {
                        Assert.Equal(model[i], fromGaps[i]);
                    }

                    break;
            }

            var rebuilt = new bool[512];
            for (int i = 0; i < set.Count; i++)
            {
                ByteRange r = set[i];
                Assert.True(r.Start < r.End);
                if (i > 0)
                {
                    Assert.True(set[i - 1].End < r.Start, "ranges must be disjoint and non-adjacent");
                }

                Array.Fill(rebuilt, true, (int)r.Start, (int)r.Length);
            }

            Assert.Equal(model, rebuilt);
        }
    }
}
