-- The spatial index of the comparable-sales search over the synced market_sales, in the form the
-- valuation engine reads (models/valuation/sales-store.ts openSalesStore: an avm_sales table of integer
-- ids and an avm_sales_rtree over their positions). Nothing is copied: avm_sales is a view, and triggers
-- keep the R*Tree in step with market_sales inside the same transaction as every synced batch.
--
-- R*Tree ids must be integers and market_sales ids are text; rowids are not stable (VACUUM and
-- INSERT OR REPLACE renumber them), so each sale gets a permanent integer key in avm_sales_keys.
-- The view is the one place that says which market_sales rows the engine can use and how their
-- columns map (never renovated is NULL here, 0 for the engine); the triggers index exactly its rows.
CREATE TABLE `avm_sales_keys` (
	`id` integer PRIMARY KEY,
	`sale_id` text NOT NULL UNIQUE
);
--> statement-breakpoint
CREATE VIRTUAL TABLE `avm_sales_rtree` USING rtree(id, min_lat, max_lat, min_lng, max_lng);
--> statement-breakpoint
CREATE VIEW `avm_sales` AS
SELECT k.id AS id, m.parcel_id, m.sale_date, m.price, m.zipcode, m.lat, m.lng, m.bedrooms, m.bathrooms, m.sqft_living,
	m.sqft_lot, m.floors, m.waterfront, m.view, m.condition, m.grade, m.yr_built, coalesce(m.yr_renovated, 0) AS yr_renovated,
	m.sqft_above, m.sqft_basement, m.sqft_living15, m.sqft_lot15
FROM `market_sales` m JOIN `avm_sales_keys` k ON k.sale_id = m.id
WHERE m.price > 0 AND m.sqft_living > 0 AND m.sqft_lot > 0 AND m.zipcode IS NOT NULL AND m.bedrooms IS NOT NULL
	AND m.bathrooms IS NOT NULL AND m.floors IS NOT NULL AND m.view IS NOT NULL AND m.condition IS NOT NULL
	AND m.grade IS NOT NULL AND m.yr_built IS NOT NULL;
--> statement-breakpoint
-- A synced sale arrives as INSERT OR REPLACE: the delete half fires no trigger (recursive_triggers is off),
-- so the insert trigger re-indexes the sale under its permanent key, or drops it when it became unusable.
-- No statement here may ever hit a constraint: the outer statement's OR REPLACE overrides the conflict
-- policy of trigger statements, so an INSERT OR IGNORE of the key would replace it with a new id.
CREATE TRIGGER `avm_sales_index_insert` AFTER INSERT ON `market_sales` BEGIN
	INSERT INTO avm_sales_keys (sale_id) SELECT new.id WHERE NOT EXISTS (SELECT 1 FROM avm_sales_keys WHERE sale_id = new.id);
	DELETE FROM avm_sales_rtree WHERE id = (SELECT id FROM avm_sales_keys WHERE sale_id = new.id);
	INSERT INTO avm_sales_rtree SELECT id, lat, lat, lng, lng FROM avm_sales WHERE id = (SELECT id FROM avm_sales_keys WHERE sale_id = new.id);
END;
--> statement-breakpoint
CREATE TRIGGER `avm_sales_index_update` AFTER UPDATE ON `market_sales` BEGIN
	INSERT INTO avm_sales_keys (sale_id) SELECT new.id WHERE NOT EXISTS (SELECT 1 FROM avm_sales_keys WHERE sale_id = new.id);
	DELETE FROM avm_sales_rtree WHERE id = (SELECT id FROM avm_sales_keys WHERE sale_id = old.id);
	INSERT INTO avm_sales_rtree SELECT id, lat, lat, lng, lng FROM avm_sales WHERE id = (SELECT id FROM avm_sales_keys WHERE sale_id = new.id);
END;
--> statement-breakpoint
CREATE TRIGGER `avm_sales_index_delete` AFTER DELETE ON `market_sales` BEGIN
	DELETE FROM avm_sales_rtree WHERE id = (SELECT id FROM avm_sales_keys WHERE sale_id = old.id);
	DELETE FROM avm_sales_keys WHERE sale_id = old.id;
END;
--> statement-breakpoint
INSERT INTO `avm_sales_keys` (sale_id) SELECT id FROM `market_sales` ORDER BY sale_date, id;
--> statement-breakpoint
INSERT INTO `avm_sales_rtree` SELECT id, lat, lat, lng, lng FROM `avm_sales`;
