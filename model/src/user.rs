//! Who uses Fieldbook, and in which role.

use serde::{Deserialize, Serialize};

/// The role decides which screens a person sees and what the server lets them touch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 服务工程师: works assigned work orders on site.
    Engineer,
    /// 保洁员: ticks cleaning checklists, records vacant units.
    Cleaner,
    /// 主管: patrols, inspects, turns findings into tasks.
    Supervisor,
    /// 400 客服专员: creates and assigns work orders in the office.
    Dispatcher,
    /// 服务主管 / 服务站站长: calls the customer first, plans the visit, dispatches their station's
    /// engineers (the station is their team). Works in the office app.
    ServiceSupervisor,
    /// 部门经理 / 客户中心经理: reads every team's and station's reports and scorecards; changes
    /// nothing in the field. Works in the office app.
    Manager,
    /// 索赔专员 (claims support): turns closed warranty orders into claims to the manufacturer
    /// and keeps the old-parts ledger. Works in the office app.
    Claims,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Engineer,
        Role::Cleaner,
        Role::Supervisor,
        Role::Dispatcher,
        Role::ServiceSupervisor,
        Role::Manager,
        Role::Claims,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Engineer => "engineer",
            Role::Cleaner => "cleaner",
            Role::Supervisor => "supervisor",
            Role::Dispatcher => "dispatcher",
            Role::ServiceSupervisor => "service_supervisor",
            Role::Manager => "manager",
            Role::Claims => "claims",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Office roles may read any work order; field roles only their own assignments (a station
    /// head, their station's).
    pub fn is_office(self) -> bool {
        matches!(
            self,
            Role::Dispatcher | Role::Supervisor | Role::Manager | Role::Claims
        )
    }

    /// Works in the office app (`/office/`), not the field app.
    pub fn uses_desk(self) -> bool {
        matches!(
            self,
            Role::Dispatcher | Role::ServiceSupervisor | Role::Manager | Role::Claims
        )
    }
}

/// A role name that is none of [`Role`]'s.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no role is called {0:?}")]
pub struct UnknownRole(pub String);

/// As a role is stored (its [`Role::as_str`] name).
impl TryFrom<String> for Role {
    type Error = UnknownRole;

    fn try_from(name: String) -> Result<Role, UnknownRole> {
        Role::parse(&name).ok_or(UnknownRole(name))
    }
}

/// What the app keeps about the signed-in person (in IndexedDB, so it opens offline).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserProfile {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// The team (班组) whose areas, units and findings the person works on; a supervisor leads
    /// their team. None for people outside the field teams (the office).
    #[serde(default)]
    pub team: Option<String>,
}

/// Who is acting, as the server knows them (never as the device says).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub username: String,
    pub role: Role,
    pub team: Option<String>,
}

impl UserProfile {
    /// The person as the rules for field records see them. Only cleaners and supervisors have a
    /// field team there: an engineer serves every team (their own `team` is their service
    /// station, 服务站, which is the desk's business), and the office roles have none.
    pub fn actor(&self) -> Actor {
        Actor {
            username: self.username.clone(),
            role: self.role,
            team: match self.role {
                Role::Cleaner | Role::Supervisor => self.team.clone(),
                _ => None,
            },
        }
    }
}

/// The name people know `username` by, from the people a device knows; the username itself when
/// they are not among them.
pub fn display_name(people: &[UserProfile], username: &str) -> String {
    people
        .iter()
        .find(|p| p.username == username)
        .map_or_else(|| username.to_string(), |p| p.display_name.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_are_named_as_they_are_known_or_by_username() {
        let people = [UserProfile {
            username: "supervisor1".into(),
            display_name: "刘洋".into(),
            role: Role::Supervisor,
            team: Some("team-a".into()),
        }];
        assert_eq!(display_name(&people, "supervisor1"), "刘洋");
        assert_eq!(display_name(&people, "cleaner9"), "cleaner9");
    }

    #[test]
    fn role_names_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
            let json = serde_json::to_string(&role).unwrap();
            assert_eq!(json, format!("\"{}\"", role.as_str()));
        }
        assert_eq!(Role::parse("admin"), None);
    }
}
