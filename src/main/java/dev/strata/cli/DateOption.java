package dev.strata.cli;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads {@code 2022-10-02} (midnight UTC), {@code 2022-10-02T06:00} (UTC) or a full ISO-8601 time. */
final class DateOption implements ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) {
        String t = value.trim();
        try {
            if (t.length() == 10) {
                return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            try {
                return OffsetDateTime.parse(t).toInstant();
            } catch (DateTimeParseException e) {
                return LocalDateTime.parse(t.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
            }
        } catch (DateTimeParseException e) {
            throw new TypeConversionException("expected a date such as 2022-10-02 or a time such as 2022-10-02T06:00 (UTC), got '"
                    + value + "'");
        }
    }
}
