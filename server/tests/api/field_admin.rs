//! The office's area sheet and vacant units, as the cleaners' phones then pull them.

use fieldbook_model::cleaning::Schedule;
use fieldbook_server::field_admin::{add_unit, import_areas, let_unit};

use crate::harness::TestServer;

const SHEET: &str = "team,area,kind,cleaner,patrol,item,schedule
team-a,B座 大堂,lobby,cleaner2,yes,地面推尘,daily
team-a,B座 大堂,lobby,cleaner2,yes,\"玻璃门, 门框\",weekly:1
team-a,B座 大堂,lobby,cleaner2,yes,晶面养护,monthly:31
team-a,B座 商铺 201,commercial_outlet,,no,,
team-a,B座 电梯,lift,cleaner9,no,轿厢擦拭,daily
team-a,B座 电梯,lift,cleaner1,no,轿厢擦拭,hourly
team-a,B座 电梯,lift,cleaner1,maybe,轿厢擦拭,daily
team-a,B座 电梯,elevator,cleaner1,no,轿厢擦拭,daily
team-a,B座 步梯,stairway,cleaner1,no,扶手擦拭,
";

#[tokio::test]
async fn an_area_sheet_reaches_the_cleaner_and_bad_lines_are_reported_by_number() {
    let server = TestServer::with_demo().await;
    let db = server.database().await;
    let report = import_areas(&db, SHEET).await.unwrap();
    assert_eq!((report.areas_created, report.items_created), (2, 3));
    let lines: Vec<usize> = report.refused.iter().map(|(n, _)| *n).collect();
    assert_eq!(lines, vec![6, 7, 8, 9, 10], "{:?}", report.refused);
    assert!(
        report.refused[0].1.contains("cleaner9"),
        "{:?}",
        report.refused
    );
    assert!(report.refused[1].1.contains("hourly"));
    assert!(report.refused[3].1.contains("elevator"));

    let c2 = server.signed_in("cleaner2").await;
    let reference = server.sync(&c2, 0).await.field.reference.unwrap();
    let lobby = reference
        .areas
        .iter()
        .find(|a| a.name == "B座 大堂")
        .unwrap();
    assert!(lobby.patrol);
    let items: Vec<(&str, Schedule)> = reference
        .items
        .iter()
        .filter(|i| i.area_id == lobby.id)
        .map(|i| (i.label.as_str(), i.schedule))
        .collect();
    assert_eq!(
        items,
        vec![
            ("地面推尘", Schedule::Daily),
            ("玻璃门, 门框", Schedule::Weekly { weekday: 1 }),
            ("晶面养护", Schedule::Monthly { day: 31 }),
        ]
    );
    // cleaner1 is not sent cleaner2's new area.
    let c1 = server.signed_in("cleaner1").await;
    let theirs = server.sync(&c1, 0).await.field.reference.unwrap();
    assert!(!theirs.areas.iter().any(|a| a.name == "B座 大堂"));

    // The sheet again without the monthly item: it is retired, the device pulls the change.
    let cursor = server.sync(&c2, 0).await.cursor;
    let shorter: String = SHEET
        .lines()
        .filter(|l| !l.contains("晶面"))
        .map(|l| format!("{l}\n"))
        .collect();
    let again = import_areas(&db, &shorter).await.unwrap();
    assert_eq!(
        (
            again.areas_created,
            again.items_created,
            again.items_retired
        ),
        (0, 0, 1)
    );
    let pulled = server
        .sync(&c2, cursor)
        .await
        .field
        .reference
        .expect("the change is pulled");
    assert!(!pulled.items.iter().any(|i| i.label == "晶面养护"));
}

#[tokio::test]
async fn a_unit_added_then_let_leaves_the_list() {
    let server = TestServer::with_demo().await;
    let db = server.database().await;
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    assert!(
        add_unit(&db, "team-a", "7栋 0303", "supervisor1", day)
            .await
            .is_err()
    );
    add_unit(&db, "team-a", "7栋 0303", "cleaner2", day)
        .await
        .unwrap();
    let c2 = server.signed_in("cleaner2").await;
    let sync = server.sync(&c2, 0).await;
    let unit = sync
        .field
        .reference
        .unwrap()
        .units
        .into_iter()
        .find(|u| u.name == "7栋 0303")
        .unwrap();
    assert_eq!(unit.let_on, None);
    assert!(unit.is_vacant_on(day));

    let let_on = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    let_unit(&db, "team-a", "7栋 0303", let_on).await.unwrap();
    assert!(
        let_unit(&db, "team-a", "no such unit", let_on)
            .await
            .is_err()
    );
    let pulled = server.sync(&c2, sync.cursor).await.field.reference.unwrap();
    let unit = pulled
        .units
        .into_iter()
        .find(|u| u.name == "7栋 0303")
        .unwrap();
    assert!(!unit.is_vacant_on(let_on));
}

#[tokio::test]
async fn a_cleaner_moved_to_another_team_sees_its_areas_only_and_leaves_the_old_supervisor_s_list()
{
    let server = TestServer::with_demo().await;
    let db = server.database().await;
    let c2 = server.signed_in("cleaner2").await;
    let sup = server.signed_in("supervisor1").await;
    let before = server.sync(&sup, 0).await;
    let people = |r: &fieldbook_model::sync::FieldReference| {
        r.people
            .iter()
            .map(|p| p.username.clone())
            .collect::<Vec<_>>()
    };
    assert!(people(before.field.reference.as_ref().unwrap()).contains(&"cleaner2".to_string()));
    assert!(
        !server
            .sync(&c2, 0)
            .await
            .field
            .reference
            .unwrap()
            .areas
            .is_empty()
    );

    fieldbook_server::users::set_team(&db, "cleaner2", Some("team-b"))
        .await
        .unwrap();
    assert!(
        fieldbook_server::users::set_team(&db, "nobody", None)
            .await
            .is_err()
    );
    // cleaner2's next sync: none of team-a's areas, even those still named for them.
    let mine = server
        .sync(&c2, 0)
        .await
        .field
        .reference
        .unwrap_or_default();
    assert!(mine.areas.is_empty(), "{:?}", mine.areas);
    // The supervisor's phone pulls the team again, without cleaner2.
    let again = server.sync(&sup, before.cursor).await;
    let reference = again
        .field
        .reference
        .expect("team-a's data is pulled again");
    assert!(!people(&reference).contains(&"cleaner2".to_string()));
}
