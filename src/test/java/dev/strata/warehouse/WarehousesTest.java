package dev.strata.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import org.junit.jupiter.api.Test;

class WarehousesTest {
    @Test
    void shouldFindThePostgresAdapterByJdbcUrlAndByEmbeddedName() {
        assertThat(Warehouses.forUrl("jdbc:postgresql://db:5432/dwh").name()).isEqualTo("postgresql");
        assertThat(Warehouses.forUrl("embedded:postgres").name()).isEqualTo("postgresql");
        assertThat(Warehouses.types()).extracting(WarehouseType::name).contains("postgresql");
    }

    @Test
    void shouldRefuseAnUnknownDatabaseInOneSentenceWithoutItsPassword() {
        assertThatThrownBy(() -> Warehouses.forUrl("jdbc:oracle:thin:scott/tiger@db:1521/x?password=hunter2"))
                .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFIG))
                .hasMessageStartingWith("Unsupported database: jdbc:oracle:thin:")
                .hasMessageContaining("(supported: jdbc:postgresql://..., embedded:postgres)")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> Warehouses.forUrl("embedded:oracle")).hasMessageStartingWith("Unsupported database: embedded:oracle");
    }
}
