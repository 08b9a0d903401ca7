/**
 * A small Protocol Buffers encoder, enough to write ONNX models by hand (src/io/onnx/).
 *
 * A message is a sequence of fields; each field starts with a key, the varint
 * (fieldNumber << 3) | wireType, followed by its value:
 *
 *   wire type 0  varint             int32, int64, uint64, bool, enum: 7 bits a byte, low group first,
 *                                   high bit set on every byte but the last; a negative int64 is its
 *                                   64-bit two's complement (always 10 bytes)
 *   wire type 1  64-bit             double, fixed64: 8 bytes little-endian
 *   wire type 2  length-delimited   string (UTF-8), bytes, nested message, packed repeated: a varint
 *                                   length, then that many bytes
 *   wire type 5  32-bit             float, fixed32: 4 bytes little-endian
 *
 * Repeated fields are written one field per element (proto2's default, which is what onnx.proto
 * declares; every parser also accepts it for proto3). Fields are written in the order the caller
 * writes them; parsers accept any order, and the caller keeps field-number order for canonical bytes.
 *
 *   const w = new ProtoWriter();
 *   w.string(1, "x").int64(2, -1).message(3, new ProtoWriter().float(1, 0.5));
 *   w.finish()   // Uint8Array
 */

export const WireType = { Varint: 0, Fixed64: 1, LengthDelimited: 2, Fixed32: 5 } as const;

const utf8 = new TextEncoder();
const TWO_64 = 1n << 64n;

export class ProtoWriter {
  private buf = new Uint8Array(64);
  private len = 0;

  /** Bytes written so far. */
  get length(): number {
    return this.len;
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  private byte(b: number): void {
    this.reserve(1);
    this.buf[this.len++] = b;
  }

  /** A raw varint of a non-negative integer (a safe integer, or a bigint below 2^64). */
  rawVarint(value: number | bigint): this {
    if (typeof value === "number") {
      if (!Number.isSafeInteger(value) || value < 0) {
        throw new RangeError(`protobuf: a varint must be a non-negative safe integer, got ${value}`);
      }
      let v = value;
      // Division, not >>>: values above 2^32 lose their high bits with bit operators.
      while (v >= 0x80) {
        this.byte((v % 0x80) | 0x80);
        v = Math.floor(v / 0x80);
      }
      this.byte(v);
      return this;
    }
    if (value < 0n || value >= TWO_64) throw new RangeError(`protobuf: a varint must be in [0, 2^64), got ${value}`);
    let v = value;
    while (v >= 0x80n) {
      this.byte(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.byte(Number(v));
    return this;
  }

  /** A field key: (field << 3) | wire type. */
  key(field: number, wireType: number): this {
    if (!Number.isInteger(field) || field < 1 || field > 0x1fffffff) {
      throw new RangeError(`protobuf: field numbers are 1 to 2^29 − 1, got ${field}`);
    }
    return this.rawVarint(field * 8 + wireType);
  }

  /** An unsigned varint field (uint32, uint64, bool, enum, a non-negative int32/int64). */
  uint(field: number, value: number | bigint): this {
    return this.key(field, WireType.Varint).rawVarint(value);
  }

  /** An int64 (or int32) field: a negative value is written as its 64-bit two's complement, in 10 bytes. */
  int64(field: number, value: number | bigint): this {
    const v = typeof value === "bigint" ? value : BigInt(checkInteger(value));
    if (v < -(1n << 63n) || v >= 1n << 63n) throw new RangeError(`protobuf: ${value} is outside int64`);
    return this.key(field, WireType.Varint).rawVarint(v < 0n ? v + TWO_64 : v);
  }

  /** A float field (32-bit, little-endian). */
  float(field: number, value: number): this {
    this.key(field, WireType.Fixed32);
    this.reserve(4);
    new DataView(this.buf.buffer, this.buf.byteOffset + this.len, 4).setFloat32(0, value, true);
    this.len += 4;
    return this;
  }

  /** A double field (64-bit, little-endian). */
  double(field: number, value: number): this {
    this.key(field, WireType.Fixed64);
    this.reserve(8);
    new DataView(this.buf.buffer, this.buf.byteOffset + this.len, 8).setFloat64(0, value, true);
    this.len += 8;
    return this;
  }

  /** A bytes field: its length, then the bytes. */
  bytes(field: number, value: Uint8Array): this {
    this.key(field, WireType.LengthDelimited).rawVarint(value.length);
    this.reserve(value.length);
    this.buf.set(value, this.len);
    this.len += value.length;
    return this;
  }

  /** A string field, as UTF-8 bytes. */
  string(field: number, value: string): this {
    return this.bytes(field, utf8.encode(value));
  }

  /** A nested message field. */
  message(field: number, value: ProtoWriter): this {
    return this.bytes(field, value.finish());
  }

  /** The bytes written (a copy the writer no longer touches). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

function checkInteger(v: number): number {
  if (!Number.isSafeInteger(v)) throw new RangeError(`protobuf: an integer field needs a safe integer, got ${v}`);
  return v;
}
