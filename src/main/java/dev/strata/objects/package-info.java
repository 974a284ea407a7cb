/** SQL objects a project owns — functions, procedures, views from {@code objects/*.sql} — and their idempotent deployment. */
package dev.strata.objects;
