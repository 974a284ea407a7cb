package dev.strata.ingest;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

/**
 * Writes a Kafka Connect value (a Debezium change event's key or value) as compact JSON, the way
 * Connect's {@code JsonConverter} writes it with {@code schemas.enable=false}: structs and maps as
 * objects in field order, bytes as base64, Connect's {@code Timestamp}/{@code Date}/{@code Time} as
 * epoch milliseconds / days / milliseconds of the day. So a change captured here lands as the same
 * JSON as the same change read from a Kafka Connect topic ({@code format: debezium}). One
 * difference: a {@code Decimal} is written as a JSON number, not base64 (Strata asks Debezium for
 * decimals as strings anyway, see {@code decimal.handling.mode}). Reuses one buffer; not thread-safe.
 */
final class ConnectJson {
    private static final JsonFactory JSON = JsonFactory.builder().build();
    private final Buffer out = new Buffer();
    private final JsonGenerator gen;

    ConnectJson() {
        try {
            gen = JSON.createGenerator((OutputStream) out, JsonEncoding.UTF8);
            gen.setRootValueSeparator(null);   // one value per encode(): no space between them
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Encodes {@code value}; the bytes are valid until the next call ({@link #bytes()}, {@link #length()}). */
    ConnectJson encode(Schema schema, Object value) {
        out.reset();
        try {
            write(schema, value);
            gen.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    byte[] bytes() {
        return out.buf();
    }

    int length() {
        return out.size();
    }

    String text() {
        return new String(out.buf(), 0, out.size(), java.nio.charset.StandardCharsets.UTF_8);
    }

    private void write(Schema schema, Object value) throws IOException {
        if (value == null) {
            gen.writeNull();
            return;
        }
        if (schema == null) {
            writeSchemaless(value);
            return;
        }
        String logical = schema.name();
        if (logical != null) {
            switch (logical) {
                case Decimal.LOGICAL_NAME -> {
                    gen.writeNumber((BigDecimal) value);
                    return;
                }
                case Timestamp.LOGICAL_NAME -> {
                    gen.writeNumber(((java.util.Date) value).getTime());
                    return;
                }
                case Date.LOGICAL_NAME -> {
                    gen.writeNumber(Math.floorDiv(((java.util.Date) value).getTime(), 86_400_000L));
                    return;
                }
                case Time.LOGICAL_NAME -> {
                    gen.writeNumber(((java.util.Date) value).getTime());
                    return;
                }
                default -> {
                }
            }
        }
        switch (schema.type()) {
            case INT8 -> gen.writeNumber((Byte) value);
            case INT16 -> gen.writeNumber((Short) value);
            case INT32 -> gen.writeNumber((Integer) value);
            case INT64 -> gen.writeNumber((Long) value);
            case FLOAT32 -> gen.writeNumber((Float) value);
            case FLOAT64 -> gen.writeNumber((Double) value);
            case BOOLEAN -> gen.writeBoolean((Boolean) value);
            case STRING -> gen.writeString((String) value);
            case BYTES -> gen.writeString(Base64.getEncoder().encodeToString(bytesOf(value)));
            case ARRAY -> {
                gen.writeStartArray();
                for (Object item : (List<?>) value) {
                    write(schema.valueSchema(), item);
                }
                gen.writeEndArray();
            }
            case MAP -> {
                Map<?, ?> map = (Map<?, ?>) value;
                if (schema.keySchema().type() == Schema.Type.STRING) {
                    gen.writeStartObject();
                    for (Map.Entry<?, ?> e : map.entrySet()) {
                        gen.writeFieldName((String) e.getKey());
                        write(schema.valueSchema(), e.getValue());
                    }
                    gen.writeEndObject();
                } else {
                    gen.writeStartArray();   // JsonConverter's form for maps with non-text keys: [[k, v], ...]
                    for (Map.Entry<?, ?> e : map.entrySet()) {
                        gen.writeStartArray();
                        write(schema.keySchema(), e.getKey());
                        write(schema.valueSchema(), e.getValue());
                        gen.writeEndArray();
                    }
                    gen.writeEndArray();
                }
            }
            case STRUCT -> {
                Struct s = (Struct) value;
                gen.writeStartObject();
                for (Field f : schema.fields()) {
                    gen.writeFieldName(f.name());
                    write(f.schema(), s.get(f));
                }
                gen.writeEndObject();
            }
            default -> throw new IllegalArgumentException("unexpected Connect type " + schema.type());
        }
    }

    private void writeSchemaless(Object value) throws IOException {
        if (value instanceof Map<?, ?> m) {
            gen.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                gen.writeFieldName(String.valueOf(e.getKey()));
                write(null, e.getValue());
            }
            gen.writeEndObject();
        } else if (value instanceof List<?> l) {
            gen.writeStartArray();
            for (Object item : l) {
                write(null, item);
            }
            gen.writeEndArray();
        } else if (value instanceof Struct s) {
            write(s.schema(), s);
        } else if (value instanceof String s) {
            gen.writeString(s);
        } else if (value instanceof Boolean b) {
            gen.writeBoolean(b);
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            gen.writeNumber(((Number) value).longValue());
        } else if (value instanceof Number n) {
            gen.writeNumber(n.doubleValue());
        } else if (value instanceof byte[] || value instanceof ByteBuffer) {
            gen.writeString(Base64.getEncoder().encodeToString(bytesOf(value)));
        } else {
            gen.writeString(value.toString());
        }
    }

    private static byte[] bytesOf(Object value) {
        if (value instanceof byte[] b) {
            return b;
        }
        ByteBuffer bb = ((ByteBuffer) value).duplicate();
        byte[] b = new byte[bb.remaining()];
        bb.get(b);
        return b;
    }

    /** A growable byte buffer whose array is readable without copying. */
    private static final class Buffer extends OutputStream {
        private byte[] buf = new byte[4096];
        private int size;

        @Override
        public void write(int b) {
            ensure(1);
            buf[size++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, buf, size, len);
            size += len;
        }

        private void ensure(int more) {
            if (size + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
            }
        }

        void reset() {
            size = 0;
        }

        byte[] buf() {
            return buf;
        }

        int size() {
            return size;
        }
    }
}
