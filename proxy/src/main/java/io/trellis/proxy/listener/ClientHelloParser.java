package io.trellis.proxy.listener;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads SNI and ALPN out of a TLS ClientHello without consuming it, for the TLS inspector. Only a
 * ClientHello that fits in the first TLS record is read (as browsers, curl and Envoy send it).
 */
final class ClientHelloParser {
  /** The parse outcome: incomplete (need more bytes), not TLS, or TLS with what was found. */
  record Result(boolean complete, boolean tls, String serverName, List<String> alpn) {
    static final Result NEED_MORE = new Result(false, false, "", List.of());
    static final Result NOT_TLS = new Result(true, false, "", List.of());
  }

  private ClientHelloParser() {}

  static Result parse(ByteBuf in) {
    int start = in.readerIndex();
    int available = in.readableBytes();
    if (available < 1) {
      return Result.NEED_MORE;
    }
    if (in.getUnsignedByte(start) != 0x16) {
      return Result.NOT_TLS;
    }
    if (available < 5) {
      return Result.NEED_MORE;
    }
    if (in.getUnsignedByte(start + 1) != 3) {
      return Result.NOT_TLS;
    }
    int recordLength = in.getUnsignedShort(start + 3);
    if (available < 5 + recordLength) {
      return Result.NEED_MORE;
    }
    try {
      return parseHandshake(in, start + 5, start + 5 + recordLength);
    } catch (IndexOutOfBoundsException e) {
      return new Result(true, true, "", List.of());
    }
  }

  private static Result parseHandshake(ByteBuf in, int p, int end) {
    if (in.getUnsignedByte(p) != 1) {
      return new Result(true, true, "", List.of());
    }
    int q = p + 4 + 2 + 32;
    q += 1 + in.getUnsignedByte(q);
    q += 2 + in.getUnsignedShort(q);
    q += 1 + in.getUnsignedByte(q);
    if (q + 2 > end) {
      return new Result(true, true, "", List.of());
    }
    int extEnd = Math.min(end, q + 2 + in.getUnsignedShort(q));
    q += 2;
    String sni = "";
    List<String> alpn = new ArrayList<>(2);
    while (q + 4 <= extEnd) {
      int type = in.getUnsignedShort(q);
      int len = in.getUnsignedShort(q + 2);
      int data = q + 4;
      if (type == 0 && len >= 5) {
        int nameType = in.getUnsignedByte(data + 2);
        int nameLen = in.getUnsignedShort(data + 3);
        if (nameType == 0) {
          sni = in.toString(data + 5, nameLen, StandardCharsets.US_ASCII).toLowerCase(java.util.Locale.ROOT);
        }
      } else if (type == 16 && len >= 2) {
        int listEnd = data + 2 + in.getUnsignedShort(data);
        int r = data + 2;
        while (r < listEnd) {
          int l = in.getUnsignedByte(r);
          alpn.add(in.toString(r + 1, l, StandardCharsets.US_ASCII));
          r += 1 + l;
        }
      }
      q = data + len;
    }
    return new Result(true, true, sni, List.copyOf(alpn));
  }
}
