namespace Mycnet.Networking.Protocols.MessagePack;

/// <summary>The type family of a MessagePack value, as named by the specification's type system.</summary>
public enum MessagePackType
{
    /// <summary>The reserved format byte 0xc1, which no valid input contains.</summary>
    Unknown = 0,

    /// <summary>nil.</summary>
    Nil,

    /// <summary>true or false.</summary>
    Boolean,

    /// <summary>Any of the integer formats (fixint, uint8–64, int8–64).</summary>
    Integer,

    /// <summary>float32 or float64.</summary>
    Float,

    /// <summary>UTF-8 string (fixstr, str8/16/32).</summary>
    String,

    /// <summary>Byte array (bin8/16/32).</summary>
    Binary,

    /// <summary>Array (fixarray, array16/32).</summary>
    Array,

    /// <summary>Map (fixmap, map16/32).</summary>
    Map,

    /// <summary>Extension (fixext1–16, ext8/16/32), including the timestamp extension (type −1).</summary>
    Extension,
}
