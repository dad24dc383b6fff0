-- Photos, the photo slots each service type asks for, and the service report.
--
-- Numbered 0003 so that it sits after the reassignment branch's 0002 once both are merged; it
-- only adds tables and one column, so it does not depend on 0002. Portable like 0001: TEXT ids
-- and device times, BIGINT server times in Unix milliseconds, no SQLite-only functions.

-- Which photos a service type asks for: configuration, not code. The office can change the set
-- with plain SQL; work orders pick it up on their next read. `key` goes into file names, so it
-- is short ASCII (letters, digits, `_`); `extra` and `signature` are the model's own slots.
CREATE TABLE photo_slots (
    service_type TEXT    NOT NULL,
    key          TEXT    NOT NULL
                 CHECK (length(key) BETWEEN 1 AND 30 AND key NOT IN ('extra', 'signature')),
    label_zh     TEXT    NOT NULL,
    label_en     TEXT    NOT NULL,
    required     BOOLEAN NOT NULL,
    position     BIGINT  NOT NULL,
    PRIMARY KEY (service_type, key)
);

INSERT INTO photo_slots (service_type, key, label_zh, label_en, required, position) VALUES
    -- 定检保养: the fixed set; each missing one is a defect.
    ('periodic_maintenance', 'hour_meter',    '小时表',       'Hour meter',                 TRUE, 1),
    ('periodic_maintenance', 'nameplate',     '铭牌',         'Nameplate',                  TRUE, 2),
    ('periodic_maintenance', 'engine_oil',    '机油加注口',   'Engine oil filler',          TRUE, 3),
    ('periodic_maintenance', 'oil_filter',    '机油滤芯',     'Engine oil filter',          TRUE, 4),
    ('periodic_maintenance', 'fuel_filter',   '柴油滤芯',     'Fuel filter',                TRUE, 5),
    ('periodic_maintenance', 'air_filter',    '空气滤芯',     'Air filter',                 TRUE, 6),
    ('periodic_maintenance', 'hydraulic_oil', '液压油位',     'Hydraulic oil level',        TRUE, 7),
    ('periodic_maintenance', 'before',        '保养前整机',   'Machine before service',     TRUE, 8),
    ('periodic_maintenance', 'after',         '保养后整机',   'Machine after service',      TRUE, 9),
    -- 到机检查: the certificate of conformity is a must.
    ('arrival_inspection',   'certificate',   '合格证',       'Certificate of conformity',  TRUE, 1),
    ('arrival_inspection',   'nameplate',     '铭牌',         'Nameplate',                  TRUE, 2),
    ('arrival_inspection',   'overall',       '整机外观',     'Whole machine',              TRUE, 3),
    ('arrival_inspection',   'hour_meter',    '小时表',       'Hour meter',                 TRUE, 4),
    ('arrival_inspection',   'damage',        '外观损伤',     'Visible damage',             FALSE, 5),
    -- 故障维修
    ('fault_repair',         'nameplate',     '铭牌',         'Nameplate',                  TRUE, 1),
    ('fault_repair',         'hour_meter',    '小时表',       'Hour meter',                 TRUE, 2),
    ('fault_repair',         'fault_before',  '故障部位（修前）', 'Fault, before repair',     TRUE, 3),
    ('fault_repair',         'fault_after',   '修复后',       'After repair',               TRUE, 4),
    ('fault_repair',         'replaced_part', '更换旧件',     'Replaced part',              FALSE, 5),
    -- 交机预检
    ('pre_delivery_inspection', 'nameplate',    '铭牌',       'Nameplate',                  TRUE, 1),
    ('pre_delivery_inspection', 'hour_meter',   '小时表',     'Hour meter',                 TRUE, 2),
    ('pre_delivery_inspection', 'overall',      '整机外观',   'Whole machine',              TRUE, 3),
    ('pre_delivery_inspection', 'fluid_levels', '各油位',     'Fluid levels',               TRUE, 4),
    ('pre_delivery_inspection', 'tools',        '随机工具及资料', 'Tools and documents',    TRUE, 5),
    -- 新机交机
    ('new_machine_handover', 'handover',      '交机合影',     'Handover with the customer', TRUE, 1),
    ('new_machine_handover', 'certificate',   '合格证',       'Certificate of conformity',  TRUE, 2),
    ('new_machine_handover', 'nameplate',     '铭牌',         'Nameplate',                  TRUE, 3),
    ('new_machine_handover', 'hour_meter',    '小时表',       'Hour meter',                 TRUE, 4),
    ('new_machine_handover', 'overall',       '整机外观',     'Whole machine',              TRUE, 5),
    -- 技改
    ('technical_modification', 'bulletin',      '技改通知单', 'Service bulletin',           TRUE, 1),
    ('technical_modification', 'nameplate',     '铭牌',       'Nameplate',                  TRUE, 2),
    ('technical_modification', 'hour_meter',    '小时表',     'Hour meter',                 TRUE, 3),
    ('technical_modification', 'before',        '技改前',     'Before modification',        TRUE, 4),
    ('technical_modification', 'after',         '技改后',     'After modification',         TRUE, 5),
    ('technical_modification', 'replaced_part', '更换旧件',   'Replaced part',              FALSE, 6),
    -- 巡检
    ('patrol_inspection',    'nameplate',     '铭牌',         'Nameplate',                  TRUE, 1),
    ('patrol_inspection',    'hour_meter',    '小时表',       'Hour meter',                 TRUE, 2),
    ('patrol_inspection',    'overall',       '整机外观',     'Whole machine',              TRUE, 3),
    ('patrol_inspection',    'at_work',       '作业现场',     'Machine at work',            FALSE, 4),
    -- 库存机保养
    ('stock_maintenance',    'nameplate',     '铭牌',         'Nameplate',                  TRUE, 1),
    ('stock_maintenance',    'hour_meter',    '小时表',       'Hour meter',                 TRUE, 2),
    ('stock_maintenance',    'overall',       '整机外观',     'Whole machine',              TRUE, 3),
    ('stock_maintenance',    'battery',       '电瓶',         'Battery',                    TRUE, 4),
    ('stock_maintenance',    'fluid_levels',  '各油位',       'Fluid levels',               TRUE, 5),
    -- 客户拜访: nothing required.
    ('customer_visit',       'site',          '拜访现场',     'On site',                    FALSE, 1);

-- One row per AddPhoto applied. `name` is the model's, made from the server's own work order
-- when the operation was applied; `stored_key` and `uploaded_at` are set once the bytes were
-- verified and stored. `seq` is the applying operation's sequence value: the order taken.
CREATE TABLE photos (
    photo_id      TEXT   PRIMARY KEY,
    work_order_id TEXT   NOT NULL REFERENCES work_orders (id),
    slot          TEXT   NOT NULL,
    n             BIGINT NOT NULL,
    name          TEXT   NOT NULL,
    sha256        TEXT   NOT NULL,
    bytes         BIGINT NOT NULL,
    width         BIGINT NOT NULL,
    height        BIGINT NOT NULL,
    content_type  TEXT   NOT NULL,
    -- the device's clock when the photo was taken (RFC 3339, as sent)
    taken_at      TEXT   NOT NULL,
    op_id         TEXT   NOT NULL UNIQUE,
    seq           BIGINT NOT NULL,
    stored_key    TEXT   UNIQUE,
    uploaded_at   BIGINT,
    UNIQUE (work_order_id, slot, n)
);
CREATE INDEX photos_by_order ON photos (work_order_id, seq);

-- The service report as the model holds it (ServiceReport as JSON): written whole by each
-- report operation, read whole with the order. '{}' is the empty report.
ALTER TABLE work_orders ADD COLUMN report_json TEXT NOT NULL DEFAULT '{}';
