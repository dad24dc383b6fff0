//! Text built from data in both languages: counts, dates, durations, sizes.

use super::Lang;

const WEEKDAYS_ZH: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];

const WEEKDAYS_EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// "11月27日 周五" / "Fri 27 Nov".
pub fn date_label(d: chrono::NaiveDate, lang: Lang) -> String {
    use chrono::Datelike;
    let w = d.weekday().num_days_from_monday() as usize;
    match lang {
        Lang::Zh => format!("{}月{}日 {}", d.month(), d.day(), WEEKDAYS_ZH[w]),
        Lang::En => format!("{} {}/{}", WEEKDAYS_EN[w], d.day(), d.month()),
    }
}

pub fn items_done(done: usize, due: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("今日已完成 {done}/{due} 项"),
        Lang::En => format!("{done} of {due} items done today"),
    }
}

pub fn items_left(n: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("还有 {n} 项未勾选"),
        Lang::En => format!("{n} items still unticked"),
    }
}

pub fn areas_finished(done: usize, of: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("区域 {done}/{of} 完成"),
        Lang::En => format!("{done}/{of} areas done"),
    }
}

pub fn unit_due(due: chrono::NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{due} 前清洁"),
        Lang::En => format!("Clean by {due}"),
    }
}

pub fn unit_overdue(days: i64, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("已超期 {days} 天"),
        Lang::En => format!("{days} days overdue"),
    }
}

pub fn problems_found(n: usize, lang: Lang) -> String {
    match (n, lang) {
        (0, Lang::Zh) => "全部合格".into(),
        (0, Lang::En) => "All passed".into(),
        (n, Lang::Zh) => format!("{n} 项问题"),
        (n, Lang::En) => format!("{n} problems"),
    }
}

/// A round's areas: "通过 5 · 问题 1 · 跳过 0" / "5 passed · 1 with a problem · 0 skipped".
pub fn round_tally([pass, problems, skipped]: [usize; 3], lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("通过 {pass} · 问题 {problems} · 跳过 {skipped}"),
        Lang::En => format!("{pass} passed · {problems} with a problem · {skipped} skipped"),
    }
}

/// "剩余 5 小时 20 分" / "5 h 20 min left", or overdue.
pub fn duration_left(minutes: i64, lang: Lang) -> String {
    let (h, m) = (minutes.abs() / 60, minutes.abs() % 60);
    match (minutes >= 0, lang) {
        (true, Lang::Zh) => format!("剩余 {h} 小时 {m} 分"),
        (true, Lang::En) => format!("{h} h {m} min left"),
        (false, Lang::Zh) => format!("已超时 {h} 小时 {m} 分"),
        (false, Lang::En) => format!("overdue by {h} h {m} min"),
    }
}

/// The badge's count of what is still on the device.
pub fn unsent_count(n: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{n} 条待发送"),
        Lang::En if n == 1 => "1 item to send".to_string(),
        Lang::En => format!("{n} items to send"),
    }
}

pub fn rejected_count(n: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{n} 条被拒收"),
        Lang::En if n == 1 => "1 item refused".to_string(),
        Lang::En => format!("{n} items refused"),
    }
}

pub fn missing_photos(n: usize, lang: Lang) -> String {
    match (n, lang) {
        (0, Lang::Zh) => "照片齐全".to_string(),
        (0, Lang::En) => "All photos taken".to_string(),
        (n, Lang::Zh) => format!("缺 {n} 张"),
        (1, Lang::En) => "1 missing".to_string(),
        (n, Lang::En) => format!("{n} missing"),
    }
}

/// After a server's "wait": minutes once it is more than a minute and a half.
pub fn try_again_in(seconds: u64, lang: Lang) -> String {
    let minutes = seconds.div_ceil(60);
    match (lang, seconds > 90) {
        (Lang::Zh, true) => format!("请 {minutes} 分钟后再试。"),
        (Lang::Zh, false) => format!("请 {seconds} 秒后再试。"),
        (Lang::En, true) => format!(" Try again in {minutes} min."),
        (Lang::En, false) => format!(" Try again in {seconds} s."),
    }
}

pub fn tries(n: u32, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("已尝试 {n} 次"),
        Lang::En if n == 1 => "1 try".to_string(),
        Lang::En => format!("{n} tries"),
    }
}

/// "已巡 3/5" / "3 of 5 checked".
pub fn areas_checked(done: usize, of: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("已巡 {done}/{of}"),
        Lang::En => format!("{done} of {of} checked"),
    }
}

pub fn unmarked_areas(n: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("还有 {n} 个区域未巡检，将记为“跳过”。确定完成本次巡检？"),
        Lang::En if n == 1 => {
            "1 area is not marked and will count as skipped. Finish the round?".into()
        }
        Lang::En => {
            format!("{n} areas are not marked and will count as skipped. Finish the round?")
        }
    }
}

/// How long ago: "15 分钟前", "3 小时前", "2 天前".
pub fn age(minutes: i64, lang: Lang) -> String {
    let m = minutes.max(0);
    match (m, lang) {
        (0..=59, Lang::Zh) => format!("{m} 分钟前"),
        (0..=59, Lang::En) => format!("{m} min ago"),
        (60..=1439, Lang::Zh) => format!("{} 小时前", m / 60),
        (60..=1439, Lang::En) => format!("{} h ago", m / 60),
        (_, Lang::Zh) => format!("{} 天前", m / 1440),
        (_, Lang::En) => format!("{} d ago", m / 1440),
    }
}

/// Quick due times offered when assigning.
pub fn due_in(hours: i64, lang: Lang) -> String {
    match (hours % 24 == 0 && hours >= 48, lang) {
        (true, Lang::Zh) => format!("{} 天", hours / 24),
        (true, Lang::En) => format!("{} days", hours / 24),
        (false, Lang::Zh) => format!("{hours} 小时"),
        (false, Lang::En) => format!("{hours} h"),
    }
}

// The upload queue (issue 4): progress and what a discard loses.

/// A size as people read it: "340 KB", "1.2 MB".
pub fn size(bytes: u64) -> String {
    if bytes >= 1_048_576 {
        format!("{:.1} MB", bytes as f64 / 1_048_576.0)
    } else {
        format!("{:.0} KB", (bytes as f64 / 1024.0).ceil())
    }
}

pub fn sending_percent(percent: u8, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("正在发送 {percent}%"),
        Lang::En => format!("Sending {percent}%"),
    }
}

/// What discarding a refused photo loses.
pub fn discard_photo(name: &str, bytes: u64, lang: Lang) -> String {
    let size = size(bytes);
    match lang {
        Lang::Zh => {
            format!("照片 {name}（{size}）将从这部手机上删除，不会再发送，服务器上也不会有它。")
        }
        Lang::En => format!(
            "The photo {name} ({size}) will be deleted from this phone. It will never be sent and the server will not have it."
        ),
    }
}

/// What discarding a refused record loses: "T-1 · 出发", said as the sync screen says it.
pub fn discard_entry(what: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("“{what}”将从这部手机上删除，不会再发送，服务器上也不会有它。"),
        Lang::En => format!(
            "\"{what}\" will be deleted from this phone. It will never be sent and the server will not have it."
        ),
    }
}
