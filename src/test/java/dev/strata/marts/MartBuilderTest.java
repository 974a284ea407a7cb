package dev.strata.marts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.graph.Relation;
import org.junit.jupiter.api.Test;

class MartBuilderTest {
    @Test
    void shouldTellASelectThatReadsTheMartItselfFromOneThatDoesNot() {
        Relation mart = new Relation("cdm", "daily");
        assertThat(MartBuilder.readsItself(mart, "select * from \"cdm\".\"daily\" where day = 1")).isTrue();
        assertThat(MartBuilder.readsItself(mart, "select max(day) from CDM . daily")).isTrue();
        assertThat(MartBuilder.readsItself(mart, "select * from cdm.daily_raw join cdm.old_daily using (day)")).isFalse();
        assertThat(MartBuilder.readsItself(mart, "select * from stg.daily")).isFalse();
    }
}
