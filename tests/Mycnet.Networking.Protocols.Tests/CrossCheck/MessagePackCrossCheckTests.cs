using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mycnet.Networking.Protocols.Framing;
using Mycnet.Networking.Protocols.MessagePack;
using Mycnet.Networking.Protocols.Negotiation;
using Mycnet.Networking.Protocols.Nodes;
using Mycnet.Networking.Protocols.Profiles;
using Mycnet.Networking.Protocols.Tests.Support;

namespace Mycnet.Networking.Protocols.Tests.CrossCheck;

/// <summary>
/// The SDK's codec against an independent implementation (@msgpack/msgpack, run by node): the SDK decodes
/// what node encoded (committed vectors), and node decodes — and, where its encoder is minimal too, re-encodes
/// byte for byte — what the SDK encoded.
/// </summary>
public class MessagePackCrossCheckTests
{
    private static string VectorsPath => Path.Combine(NodeTooling.Directory, "vectors", "node-encoded.json");

    [Fact]
    public void MessagePack_NodeEncodedVectors_DecodeInTheSdkToWhatNodeDescribes()
    {
        JsonArray vectors = JsonNode.Parse(File.ReadAllText(VectorsPath))!.AsArray();
        Assert.True(vectors.Count > 80, "the committed vectors are missing or truncated");
        foreach (JsonNode? vector in vectors)
        {
            string name = vector!["name"]!.GetValue<string>();
            byte[] bytes = Convert.FromHexString(vector["hex"]!.GetValue<string>());
            JsonNode expected = vector["value"]!;
            JsonNode actual = MpValue.Decode(bytes).DescribeAsJavaScript();
            Assert.True(JsonNode.DeepEquals(expected, actual), $"{name}: node says {Shorten(expected)}, the SDK read {Shorten(actual)}");
            Assert.Equal(MpValue.Decode(bytes), MpValue.Decode(Segments.Split(bytes, 7)));
        }
    }

    [NodeFact]
    public void MessagePack_CommittedVectors_AreWhatNodeGenerates()
    {
        JsonNode generated = JsonNode.Parse(NodeTooling.RunScript("generate"))!;
        JsonNode committed = JsonNode.Parse(File.ReadAllText(VectorsPath))!;
        Assert.True(JsonNode.DeepEquals(generated, committed), "vectors/node-encoded.json differs from `node crosscheck.mjs generate`: regenerate it");
    }

    [NodeFact]
    public void MessagePack_SdkEncodedValues_DecodeInNodeToTheSameValues()
    {
        List<(string Name, MpValue Value, bool Canonical)> cases = SdkCases();
        var request = new JsonArray(cases.Select(c => (JsonNode)new JsonObject { ["name"] = c.Name, ["hex"] = MpValue.Hex(c.Value.Encode()) }).ToArray());
        string path = Path.Combine(Path.GetTempPath(), $"mycnet-msgpack-{Environment.ProcessId}-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(path, request.ToJsonString());
            JsonArray results = JsonNode.Parse(NodeTooling.RunScript("decode", path))!.AsArray();
            Assert.Equal(cases.Count, results.Count);
            for (int i = 0; i < cases.Count; i++)
            {
                (string name, MpValue value, bool canonical) = cases[i];
                JsonNode result = results[i]!;
                Assert.Equal(name, result["name"]!.GetValue<string>());
                JsonNode expected = value.DescribeAsJavaScript();
                Assert.True(JsonNode.DeepEquals(expected, result["value"]), $"{name}: the SDK wrote {Shorten(expected)}, node read {Shorten(result["value"]!)}");
                if (canonical)
                {
                    // @msgpack/msgpack also picks the smallest encoding here: identical bytes pin the SDK's choice.
                    Assert.True(MpValue.Hex(value.Encode()) == result["reencoded"]!.GetValue<string>(), $"{name}: node re-encodes differently");
                }
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Values the SDK encodes for node; Canonical where node's encoder must produce the same bytes.</summary>
    internal static List<(string Name, MpValue Value, bool Canonical)> SdkCases()
    {
        var cases = new List<(string, MpValue, bool)>
        {
            ("nil", new MpNil(), true),
            ("true", new MpBool(true), true),
            ("false", new MpBool(false), true),
        };
        long[] canonicalInts = [0, 1, 127, 128, 255, 256, 65535, 65536, 4294967295, -1, -32, -33, -128, -129, -32768, -32769, int.MinValue];
        foreach (long v in canonicalInts)
        {
            cases.Add(($"int {v}", new MpInt(v), true));
        }

        // Node writes integers between 2^32 and 2^53 as float64, so only the value is compared there.
        foreach (long v in new[] { 4294967296L, (long)int.MinValue - 1, 1L << 53 })
        {
            cases.Add(($"int {v}", new MpInt(v), false));
        }

        foreach (Int128 v in new Int128[] { long.MaxValue, ulong.MaxValue, long.MinValue, (1L << 60) + 3, -(1L << 60) })
        {
            cases.Add(($"int64 {v}", new MpInt(v), true));
        }

        foreach (double d in new[] { 0.5, -1.25, Math.PI, 1e300, double.Epsilon, double.MaxValue, double.PositiveInfinity, double.NegativeInfinity, double.NaN, -0.0 })
        {
            // Node writes -0 as the integer 0 and NaN with its own payload, so only the value is compared there.
            cases.Add(($"float64 {d}", new MpFloat(d, false), !double.IsNaN(d) && !(d == 0 && double.IsNegative(d))));
        }

        cases.Add(("float64 integral", new MpFloat(3.0, false), false));
        foreach (float f in new[] { 1.5f, -0.1f, float.MaxValue, float.Epsilon, 123456.79f })
        {
            cases.Add(($"float32 {f}", new MpFloat(f, true), false));
        }

        foreach (int n in new[] { 0, 1, 31, 32, 255, 256, 65535, 65536 })
        {
            cases.Add(($"str {n}", new MpStr(new string((char)('a' + (n % 26)), n)), true));
        }

        cases.Add(("str unicode", new MpStr("héllo wörld — 日本語 🍄 mycelium"), true));
        foreach (int n in new[] { 0, 1, 255, 256, 65535, 65536 })
        {
            cases.Add(($"bin {n}", new MpBin(Enumerable.Range(0, n).Select(i => (byte)(i * 13)).ToArray()), true));
        }

        foreach (int n in new[] { 0, 15, 16, 65536 })
        {
            cases.Add(($"array {n}", new MpArr(Enumerable.Range(0, n).Select(i => (MpValue)new MpInt(i % 300)).ToArray()), true));
            cases.Add(($"map {n}", new MpMap(Enumerable.Range(0, n).Select(i => ((MpValue)new MpStr("k" + i), (MpValue)new MpNil())).ToArray()), true));
        }

        cases.Add(("map with int keys", new MpMap([(new MpInt(1), new MpStr("one")), (new MpInt(-2), new MpStr("minus two"))]), false));
        cases.Add(("nested", new MpArr([new MpMap([(new MpStr("a"), new MpArr([new MpInt(1), new MpArr([new MpBool(true), new MpNil()])]))]), new MpBin([1, 2]), new MpTs(new MessagePackTimestamp(5, 6))]), true));
        foreach (int n in new[] { 1, 2, 4, 8, 16, 0, 3, 17, 255, 256, 65535, 65536 })
        {
            cases.Add(($"ext {n}", new MpExt((sbyte)(n % 100), Enumerable.Range(0, n).Select(i => (byte)i).ToArray()), true));
        }

        cases.Add(("ext type -128", new MpExt(-128, [9, 9, 9]), true));
        (long, uint)[] timestamps =
        [
            (0, 0), (1_700_000_000, 0), (uint.MaxValue, 0), (1, 1), (uint.MaxValue + 1L, 0), (1_700_000_000, 999_999_999),
            ((1L << 34) - 1, 999_999_999), (1L << 34, 0), (-1, 0), (-1, 999_999_999), (-62_135_596_800, 0), (253_402_300_799, 999_999_999),
        ];
        foreach ((long seconds, uint nanoseconds) in timestamps)
        {
            cases.Add(($"timestamp {seconds}.{nanoseconds}", new MpTs(new MessagePackTimestamp(seconds, nanoseconds)), true));
        }

        // The SDK's own messages, as a peer in another language receives them.
        foreach ((string name, byte[] bytes, bool canonical) in SdkMessages())
        {
            MpValue value = MpValue.Decode(bytes);
            Assert.Equal(MpValue.Hex(bytes), MpValue.Hex(value.Encode())); // the generic view re-encodes to the very same bytes
            cases.Add((name, value, canonical));
        }

        return cases;
    }

    private static IEnumerable<(string Name, byte[] Bytes, bool Canonical)> SdkMessages()
    {
        var node = new NodeInfo(new NodeId(0x0123456789abcdef, 0xfedcba9876543210), NodeType.Rhizomorph, NodeCapabilities.Default with { IsMetered = true });
        // Control messages use integer map keys, which JavaScript turns into string keys: compared by value only.
        yield return ("control Hello", ControlMessageCodec.Encode(new Hello(1, node, ProtocolProfileKind.Adaptive)), false);
        yield return ("control HelloAck", ControlMessageCodec.Encode(new HelloAck(1, node, ProtocolProfileKind.Standard)), false);
        yield return ("control Reject", ControlMessageCodec.Encode(new NegotiationReject(NegotiationErrorCode.UnsupportedVersion, "no common version")), false);

        var serializer = new EnvelopeSerializer();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["trace-id"] = "abc", ["tenant"] = "spore" };
        yield return ("envelope request", Frame(b => serializer.Serialize(b, Envelope.CreateRequest(ulong.MaxValue, OperationId.FromName("files.get"), new byte[] { 1, 2, 3 }, metadata, EnvelopeFlags.OneWay))), true);
        yield return ("envelope request by code", Frame(b => serializer.Serialize(b, Envelope.CreateRequest(300, OperationId.FromCode(70_000), new byte[300]))), true);
        yield return ("envelope response", Frame(b => serializer.Serialize(b, Envelope.CreateResponse(300, new byte[70_000], metadata))), true);
        yield return ("envelope error", Frame(b => serializer.Serialize(b, new ErrorEnvelope(5, EnvelopeErrorCode.OperationNotFound, "no handler for files.get"))), true);
        yield return ("envelope body chunk", Frame(b => serializer.Serialize(b, new BodyChunk(5, 3, true, new byte[] { 9, 8, 7 }))), true);
    }

    private static byte[] Frame(Action<ArrayBufferWriter<byte>> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private static string Shorten(JsonNode node)
    {
        string text = node.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
        return text.Length > 300 ? text[..300] + "…" : text;
    }
}
