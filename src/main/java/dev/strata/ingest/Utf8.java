package dev.strata.ingest;

/**
 * Strict UTF-8 validation (RFC 3629): rejects overlong forms, surrogates and code points past
 * U+10FFFF, which a warehouse would refuse later and fail a whole batch with.
 */
final class Utf8 {
    private Utf8() {
    }

    /** The index of the first byte of the first invalid sequence, or -1 when all of {@code b} is valid. */
    static int firstInvalid(byte[] b) {
        int i = 0;
        int n = b.length;
        while (i < n) {
            int c = b[i];
            if (c >= 0) {
                i++;
                continue;
            }
            c &= 0xff;
            int len;
            int min;
            int max = 0xBF;
            if (c >= 0xC2 && c <= 0xDF) {
                len = 2;
                min = 0x80;
            } else if (c >= 0xE0 && c <= 0xEF) {
                len = 3;
                min = c == 0xE0 ? 0xA0 : 0x80;     // E0: no overlong forms
                max = c == 0xED ? 0x9F : 0xBF;     // ED: no surrogates
            } else if (c >= 0xF0 && c <= 0xF4) {
                len = 4;
                min = c == 0xF0 ? 0x90 : 0x80;     // F0: no overlong forms
                max = c == 0xF4 ? 0x8F : 0xBF;     // F4: nothing past U+10FFFF
            } else {
                return i;
            }
            if (i + len > n) {
                return i;
            }
            int c1 = b[i + 1] & 0xff;
            if (c1 < min || c1 > max) {
                return i;
            }
            for (int k = 2; k < len; k++) {
                int ck = b[i + k] & 0xff;
                if (ck < 0x80 || ck > 0xBF) {
                    return i;
                }
            }
            i += len;
        }
        return -1;
    }
}
