package dev.strata.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The warehouse boundary as dependency rules over the compiled main classes (ArchUnit): vendor
 * drivers and vendor adapters are reached only through {@code dev.strata.warehouse}'s neutral
 * contracts, and those contracts know no vendor (adapters are found through
 * {@code META-INF/services}).
 */
class WarehouseBoundaryTest {
    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.strata");
    }

    @Test
    void shouldReachVendorDriversOnlyFromTheWarehouseAdaptersAndEmbeddedServers() {
        noClasses().that().resideOutsideOfPackages("dev.strata.warehouse..", "dev.strata.embedded..")
                .should().dependOnClassesThat().resideInAnyPackage("org.postgresql..", "org.mariadb..", "com.mysql..",
                        "io.zonky..")
                .because("vendor differences live in the warehouse adapters (docs/warehouses.md)")
                .check(main);
    }

    @Test
    void shouldKeepTheNeutralWarehousePackageFreeOfVendorAdapters() {
        noClasses().that().resideInAPackage("dev.strata.warehouse")
                .should().dependOnClassesThat().resideInAPackage("dev.strata.warehouse.(*)..")
                .because("dev.strata.warehouse holds vendor-neutral contracts; adapters are found by Warehouses through ServiceLoader")
                .check(main);
    }

    @Test
    void shouldUseVendorAdaptersOnlyThroughTheNeutralContracts() {
        noClasses().that().resideOutsideOfPackage("dev.strata.warehouse..")
                .should().dependOnClassesThat().resideInAPackage("dev.strata.warehouse.(*)..")
                .because("callers get capabilities from the Warehouse, never from a vendor's classes")
                .check(main);
    }
}
