-- The seed's most_popular_product() (scenario §5.2): the name of the product with the largest total
-- qty in fact_sales, made deterministic: ties go to the smallest product_id, the name is the
-- product's current one (dim_products has one row per id), NULL when fact_sales is empty.
-- The same ranking is cdm.product_popularity's rank 1.
CREATE OR REPLACE FUNCTION cdm.most_popular_product() RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    top_product text;
BEGIN
    SELECT p.name INTO top_product
    FROM (SELECT f.product_id, sum(f.qty) AS total_qty
          FROM cdm.fact_sales f
          GROUP BY f.product_id
          ORDER BY sum(f.qty) DESC, f.product_id
          LIMIT 1) top
    JOIN cdm.dim_products p ON p.id = top.product_id;
    RETURN top_product;
END;
$$;
