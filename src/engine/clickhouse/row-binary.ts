/**
 * ClickHouse's RowBinary format for a chunk of columns read from DuckDB. Binary, because 18.16 parses
 * floating-point text with up to one unit in the last place of error, and the cluster must hold the very
 * values the embedded run reads (a double's text decides its word bins and its results text).
 */

type Encode = (w: RowBinaryWriter, value: unknown) => void;

const FIXED: Record<string, [number, (b: Buffer, v: unknown, at: number) => void]> = {
  Int8: [1, (b, v, at) => b.writeInt8(Number(v), at)],
  Int16: [2, (b, v, at) => b.writeInt16LE(Number(v), at)],
  Int32: [4, (b, v, at) => b.writeInt32LE(Number(v), at)],
  Int64: [8, (b, v, at) => b.writeBigInt64LE(BigInt(v as bigint), at)],
  UInt8: [1, (b, v, at) => b.writeUInt8(Number(v), at)],
  UInt16: [2, (b, v, at) => b.writeUInt16LE(Number(v), at)],
  UInt32: [4, (b, v, at) => b.writeUInt32LE(Number(v), at)],
  UInt64: [8, (b, v, at) => b.writeBigUInt64LE(BigInt(v as bigint), at)],
  Float32: [4, (b, v, at) => b.writeFloatLE(Number(v), at)],
  Float64: [8, (b, v, at) => b.writeDoubleLE(Number(v), at)],
};

/** An encoder for a ClickHouse column type: (Nullable of) Int*, UInt*, Float*, String, Date, Decimal(P, S). */
export function encoderFor(type: string): Encode {
  const nullable = /^Nullable\((.*)\)$/.exec(type);
  if (nullable) {
    const inner = encoderFor(nullable[1]);
    return (w, v) => {
      if (v === null || v === undefined) {
        w.byte(1);
      } else {
        w.byte(0);
        inner(w, v);
      }
    };
  }
  const fixed = FIXED[type];
  if (fixed) {
    const [size, write] = fixed;
    return (w, v) => write(w.reserve(size), v, w.length - size);
  }
  if (type === 'String') return (w, v) => w.string(String(v));
  if (type === 'Date') return (w, v) => w.reserve(2).writeUInt16LE(daysSinceEpoch(v), w.length - 2);
  const decimal = /^Decimal\((\d+),\s*\d+\)$/.exec(type);
  if (decimal) {
    const digits = Number(decimal[1]);
    const size = digits <= 9 ? 4 : digits <= 18 ? 8 : 16;
    return (w, v) => w.signedLE((v as { value: bigint }).value, size);
  }
  throw new Error(`no RowBinary encoding for the ClickHouse type ${type}`);
}

function daysSinceEpoch(v: unknown): number {
  if (typeof v === 'number') return v;
  const text = String(v);
  return Math.round(Date.parse(`${text.slice(0, 10)}T00:00:00Z`) / 86_400_000);
}

/** A growing byte buffer, handed out per chunk. */
export class RowBinaryWriter {
  private buf = Buffer.allocUnsafe(1 << 20);
  length = 0;

  /** Makes room for `n` more bytes, advances past them and returns the buffer to write them in. */
  reserve(n: number): Buffer {
    if (this.length + n > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + n));
      this.buf.copy(bigger, 0, 0, this.length);
      this.buf = bigger;
    }
    this.length += n;
    return this.buf;
  }

  byte(v: number): void {
    this.reserve(1)[this.length - 1] = v;
  }

  /** LEB128 length, then the UTF-8 bytes. */
  string(s: string): void {
    let n = Buffer.byteLength(s);
    const bytes = n;
    do {
      const low = n & 0x7f;
      n >>>= 7;
      this.byte(n ? low | 0x80 : low);
    } while (n);
    this.reserve(bytes).write(s, this.length - bytes, bytes, 'utf8');
  }

  /** A two's-complement little-endian integer of `size` bytes. */
  signedLE(value: bigint, size: number): void {
    const b = this.reserve(size);
    let v = BigInt.asUintN(size * 8, value);
    for (let i = 0; i < size; i++) {
      b[this.length - size + i] = Number(v & 0xffn);
      v >>= 8n;
    }
  }

  /** The bytes written since the last take (copied), and a fresh start. */
  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.length));
    this.length = 0;
    return out;
  }
}

/** Encodes `rowCount` rows of `columns` (one array per column, in table order). */
export function encodeRows(w: RowBinaryWriter, encoders: readonly Encode[], columns: readonly unknown[][], rowCount: number): void {
  for (let r = 0; r < rowCount; r++) {
    for (let c = 0; c < encoders.length; c++) encoders[c](w, columns[c][r]);
  }
}
