namespace Mycnet.Networking.Protocols.Framing;

/// <summary>
/// Names an operation by a numeric code (compact, for hot paths) or by a name (self-describing). On the wire a
/// code is a MessagePack integer and a name a string, so a reader tells them apart by type.
/// </summary>
public readonly struct OperationId : IEquatable<OperationId>
{
    /// <summary>The longest operation name, in characters.</summary>
    public const int MaxNameLength = 256;

    private OperationId(uint code, string? name)
    {
        Code = code;
        Name = name;
    }

    /// <summary>The code, when <see cref="IsName"/> is false.</summary>
    public uint Code { get; }

    /// <summary>The name, when <see cref="IsName"/> is true.</summary>
    public string? Name { get; }

    /// <summary>Whether the operation is named rather than numbered.</summary>
    public bool IsName => Name is not null;

    /// <summary>An operation numbered <paramref name="code"/>.</summary>
    public static OperationId FromCode(uint code) => new(code, null);

    /// <summary>An operation named <paramref name="name"/> (1–256 characters).</summary>
    /// <exception cref="ArgumentException">The name is empty or too long.</exception>
    public static OperationId FromName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(name.Length, MaxNameLength, nameof(name));
        return new OperationId(0, name);
    }

    /// <inheritdoc />
    public bool Equals(OperationId other) => Code == other.Code && string.Equals(Name, other.Name, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is OperationId other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Name is null ? (int)Code : StringComparer.Ordinal.GetHashCode(Name);

    /// <inheritdoc />
    public override string ToString() => Name ?? "#" + Code.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Equality.</summary>
    public static bool operator ==(OperationId left, OperationId right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(OperationId left, OperationId right) => !left.Equals(right);
}
