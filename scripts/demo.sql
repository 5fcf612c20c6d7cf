-- The workload scripts/demo.sh profiles and scripts/pictures.sh draws:
-- 200k orders, two indexes, a GROUP BY (sqlite3 :memory:).
CREATE TABLE orders(id INTEGER PRIMARY KEY, customer TEXT, amount REAL, note TEXT);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200000)
INSERT INTO orders SELECT x, 'customer-' || (x % 5000), x * 0.37, hex(randomblob(16)) FROM c;
CREATE INDEX orders_customer ON orders(customer);
CREATE INDEX orders_amount ON orders(amount);
SELECT customer, count(*), round(sum(amount), 2) FROM orders GROUP BY customer ORDER BY 3 DESC LIMIT 5;
