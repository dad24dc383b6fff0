//! Names of the domain's kinds and states in both languages: service types, status nodes,
//! refusal codes, finding states, round kinds, what a queued step is.

use fieldbook_model::cleaning::{Frequency, RecordMissing, VacantStandard};
use fieldbook_model::findings::{Department, FindingState, ProblemKind};
use fieldbook_model::{Missing, OpKind, RejectCode, ServiceType, StatusNode};

use super::{Lang, Msg};

pub fn frequency(f: Frequency, lang: Lang) -> &'static str {
    match (f, lang) {
        (Frequency::Daily, Lang::Zh) => "每日",
        (Frequency::Daily, Lang::En) => "Daily",
        (Frequency::Weekly, Lang::Zh) => "周保洁",
        (Frequency::Weekly, Lang::En) => "Weekly",
        (Frequency::Monthly, Lang::Zh) => "月保洁",
        (Frequency::Monthly, Lang::En) => "Monthly",
        (Frequency::Quarterly, Lang::Zh) => "季度大清",
        (Frequency::Quarterly, Lang::En) => "Quarterly",
    }
}

pub fn problem_kind(k: ProblemKind, lang: Lang) -> &'static str {
    match (k, lang) {
        (ProblemKind::Damaged, Lang::Zh) => "设施损坏",
        (ProblemKind::Damaged, Lang::En) => "Damaged",
        (ProblemKind::Leak, Lang::Zh) => "漏水积水",
        (ProblemKind::Leak, Lang::En) => "Leak / water",
        (ProblemKind::LightOut, Lang::Zh) => "灯不亮",
        (ProblemKind::LightOut, Lang::En) => "Light out",
        (ProblemKind::Blocked, Lang::Zh) => "堵塞",
        (ProblemKind::Blocked, Lang::En) => "Blocked",
        (ProblemKind::Dirty, Lang::Zh) => "脏污未清",
        (ProblemKind::Dirty, Lang::En) => "Not clean",
        (ProblemKind::Safety, Lang::Zh) => "安全隐患",
        (ProblemKind::Safety, Lang::En) => "Safety hazard",
        (ProblemKind::Other, Lang::Zh) => "其他",
        (ProblemKind::Other, Lang::En) => "Other",
    }
}

/// A finding's state as it shows (`Finding::shown_state`): none while in conflict.
pub fn finding_state(s: Option<FindingState>, lang: Lang) -> &'static str {
    match (s, lang) {
        (None, _) => Msg::InConflict.text(lang),
        (Some(FindingState::Open), Lang::Zh) => "待派发",
        (Some(FindingState::Open), Lang::En) => "Open",
        (Some(FindingState::Assigned), Lang::Zh) => "整改中",
        (Some(FindingState::Assigned), Lang::En) => "Assigned",
        (Some(FindingState::Fixed), Lang::Zh) => "待确认",
        (Some(FindingState::Fixed), Lang::En) => "To confirm",
        (Some(FindingState::Confirmed), Lang::Zh) => "已关闭",
        (Some(FindingState::Confirmed), Lang::En) => "Closed",
    }
}

/// The CSS class of a finding's state badge.
pub fn finding_state_class(s: Option<FindingState>) -> &'static str {
    match s {
        None => "conflict",
        Some(FindingState::Open) => "open",
        Some(FindingState::Assigned) => "assigned",
        Some(FindingState::Fixed) => "fixed",
        Some(FindingState::Confirmed) => "confirmed",
    }
}

pub fn department(d: Department, lang: Lang) -> &'static str {
    match (d, lang) {
        (Department::Engineering, Lang::Zh) => "工程部",
        (Department::Engineering, Lang::En) => "Engineering",
        (Department::Cleaning, Lang::Zh) => "保洁部",
        (Department::Cleaning, Lang::En) => "Cleaning",
    }
}

pub fn vacant_standard(item: VacantStandard, lang: Lang) -> &'static str {
    match (item, lang) {
        (VacantStandard::FloorClear, Lang::Zh) => "地面无杂物、无积水",
        (VacantStandard::FloorClear, Lang::En) => "Floor free of debris and standing water",
        (VacantStandard::WallsClean, Lang::Zh) => "墙面无污染、无蜘蛛网",
        (VacantStandard::WallsClean, Lang::En) => "Walls free of stains and cobwebs",
        (VacantStandard::EquipmentClean, Lang::Zh) => "所有设备无污染",
        (VacantStandard::EquipmentClean, Lang::En) => "All equipment clean",
        (VacantStandard::DoorsWindowsClosed, Lang::Zh) => "关好所有门窗",
        (VacantStandard::DoorsWindowsClosed, Lang::En) => "All doors and windows closed",
    }
}

/// Why the model refused a field step on this device, in the person's language.
pub fn op_error(e: &fieldbook_model::OpError, lang: Lang) -> String {
    use fieldbook_model::OpError;
    match e {
        OpError::Closed => Msg::ApprovedClosed.text(lang).into(),
        OpError::NotAllowed => Msg::NotAllowedHere.text(lang).into(),
        OpError::WrongState | OpError::Status(_) => Msg::StateChanged.text(lang).into(),
        OpError::AlreadyExists(_) => Msg::AlreadySaved.text(lang).into(),
        OpError::NotFound(_) => Msg::NotOnDevice.text(lang).into(),
        // The forms check every field first; what is left is rare and named in the model's words.
        other => format!("{}{other}", Msg::IncompleteValue.text(lang)),
    }
}

pub fn record_missing(m: &RecordMissing, lang: Lang) -> String {
    match (m, lang) {
        (RecordMissing::Item { item }, Lang::Zh) => {
            format!("“{}”未选择合格或有问题", vacant_standard(*item, lang))
        }
        (RecordMissing::Item { item }, Lang::En) => {
            format!("“{}”: choose pass or problem", vacant_standard(*item, lang))
        }
        (RecordMissing::ProblemPhoto { item }, Lang::Zh) => {
            format!("“{}”有问题，需要拍照", vacant_standard(*item, lang))
        }
        (RecordMissing::ProblemPhoto { item }, Lang::En) => format!(
            "“{}”: a problem needs a photo",
            vacant_standard(*item, lang)
        ),
        (RecordMissing::ProblemNote { item }, Lang::Zh) => {
            format!("“{}”有问题，请写明问题", vacant_standard(*item, lang))
        }
        (RecordMissing::ProblemNote { item }, Lang::En) => {
            format!("“{}”: say what is wrong", vacant_standard(*item, lang))
        }
        (RecordMissing::UnitPhoto, Lang::Zh) => "缺少单元整体照片".into(),
        (RecordMissing::UnitPhoto, Lang::En) => "The photo of the unit is missing".into(),
        (RecordMissing::Times, Lang::Zh) => "开始和结束时间不合理（超过一天或结束早于开始）".into(),
        (RecordMissing::Times, Lang::En) => {
            "The start and end times do not fit (over a day, or end before start)".into()
        }
    }
}

pub fn service_type(t: ServiceType, lang: Lang) -> &'static str {
    use ServiceType::*;
    match (t, lang) {
        (FaultRepair, Lang::Zh) => "故障维修",
        (FaultRepair, Lang::En) => "Fault repair",
        (PeriodicMaintenance, Lang::Zh) => "定检保养",
        (PeriodicMaintenance, Lang::En) => "Periodic maintenance",
        (ArrivalInspection, Lang::Zh) => "到机检查",
        (ArrivalInspection, Lang::En) => "Arrival inspection",
        (PreDeliveryInspection, Lang::Zh) => "交机预检",
        (PreDeliveryInspection, Lang::En) => "Pre-delivery inspection",
        (NewMachineHandover, Lang::Zh) => "新机交机",
        (NewMachineHandover, Lang::En) => "New-machine handover",
        (TechnicalModification, Lang::Zh) => "技改",
        (TechnicalModification, Lang::En) => "Technical modification",
        (PatrolInspection, Lang::Zh) => "巡检",
        (PatrolInspection, Lang::En) => "Patrol inspection",
        (StockMaintenance, Lang::Zh) => "库存机保养",
        (StockMaintenance, Lang::En) => "Stock-machine maintenance",
        (CustomerVisit, Lang::Zh) => "客户拜访",
        (CustomerVisit, Lang::En) => "Customer visit",
    }
}

pub fn status_node(n: StatusNode, lang: Lang) -> &'static str {
    use StatusNode::*;
    match (n, lang) {
        (Dispatched, Lang::Zh) => "已派工",
        (Dispatched, Lang::En) => "Dispatched",
        (Departed, Lang::Zh) => "出发",
        (Departed, Lang::En) => "Departed",
        (Arrived, Lang::Zh) => "到达工地",
        (Arrived, Lang::En) => "Arrived on site",
        (RepairedLeft, Lang::Zh) => "修复离开工地",
        (RepairedLeft, Lang::En) => "Repaired, left site",
        (ResolvedByPhone, Lang::Zh) => "电话解决",
        (ResolvedByPhone, Lang::En) => "Resolved by phone",
    }
}

pub fn reject_code(code: RejectCode, lang: Lang) -> &'static str {
    use RejectCode::*;
    match (code, lang) {
        (Malformed, Lang::Zh) => "记录格式无法识别，请升级应用",
        (Malformed, Lang::En) => "The record could not be read; please update the app",
        (WrongUser, Lang::Zh) => "该记录属于其他用户",
        (WrongUser, Lang::En) => "This record belongs to another user",
        (IdReused, Lang::Zh) => "记录编号冲突",
        (IdReused, Lang::En) => "The record's id clashes with another",
        (UnknownWorkOrder, Lang::Zh) => "服务器上没有这个工单",
        (UnknownWorkOrder, Lang::En) => "The server has no such work order",
        (NotAssigned, Lang::Zh) => "该工单已不再分配给你，请联系调度",
        (NotAssigned, Lang::En) => "This work order is no longer assigned to you; call dispatch",
        (InvalidTransition, Lang::Zh) => "工单状态已变化，这一步不再适用",
        (InvalidTransition, Lang::En) => {
            "The work order's status changed; this step no longer applies"
        }
        (Forbidden, Lang::Zh) => "你的角色无权执行此操作",
        (Forbidden, Lang::En) => "Your role may not do this",
        (ReportSubmitted, Lang::Zh) => "服务报告已提交，不能再修改",
        (ReportSubmitted, Lang::En) => "The service report was already submitted; it cannot change",
        (ReportIncomplete, Lang::Zh) => "服务报告还不完整",
        (ReportIncomplete, Lang::En) => "The service report is not complete",
        (InvalidPhoto, Lang::Zh) => "照片信息不符合要求",
        (InvalidPhoto, Lang::En) => "The photo's details are not acceptable",
        (Reassigned, Lang::Zh) => "工单已改派他人，你的记录已保存，由调度处理",
        (Reassigned, Lang::En) => {
            "This work order was reassigned; your record is kept for the office"
        }
        (InvalidValue, Lang::Zh) => "填写的内容为空或超出范围",
        (InvalidValue, Lang::En) => "A value is empty or out of range",
        (UnknownRecord, Lang::Zh) => "服务器上没有这条记录，或你无权查看",
        (UnknownRecord, Lang::En) => "The server has no such record, or it is not yours",
        (Closed, Lang::Zh) => "主管已验收，不能再修改",
        (Closed, Lang::En) => "A supervisor approved it; it cannot change",
        (OrderClosed, Lang::Zh) => "办公室已关单，不能再修改",
        (OrderClosed, Lang::En) => "The office closed this work order; it cannot change",
    }
}

/// What an operation was, in a few words: "出发", "照片 · nameplate", "服务报告".
pub fn op_label(kind: &OpKind, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    match kind {
        OpKind::SetStatus { node, .. } => status_node(*node, lang).to_string(),
        OpKind::UndoStatus { node, .. } => {
            let undo = if zh { "撤销" } else { "Undo" };
            format!("{undo} {}", status_node(*node, lang))
        }
        OpKind::Depart { .. } => status_node(StatusNode::Departed, lang).to_string(),
        OpKind::CorrectHours { hours, .. } => {
            if zh {
                format!("小时数 {hours} h")
            } else {
                format!("Engine hours {hours} h")
            }
        }
        // The slot's label needs its work order: the sync screen adds it.
        OpKind::AddPhoto { .. } => Msg::Photo.text(lang).to_string(),
        OpKind::WithdrawPhoto { .. } => Msg::WithdrawPhoto.text(lang).to_string(),
        OpKind::SaveReport { .. } => (if zh {
            "服务报告内容"
        } else {
            "Service report"
        })
        .to_string(),
        OpKind::Sign { .. } => (if zh {
            "客户签名"
        } else {
            "Customer signature"
        })
        .to_string(),
        OpKind::WaiveSignature { .. } => (if zh { "免签" } else { "Signature waived" }).to_string(),
        OpKind::SubmitReport { .. } => (if zh {
            "提交服务报告"
        } else {
            "Report submitted"
        })
        .to_string(),
        OpKind::MarkItem { mark, .. } => (match (mark, zh) {
            (Some(fieldbook_model::cleaning::Mark::Done), true) => "勾选清洁项",
            (Some(fieldbook_model::cleaning::Mark::Done), false) => "Item ticked",
            (Some(fieldbook_model::cleaning::Mark::Problem), true) => "清洁项有问题",
            (Some(fieldbook_model::cleaning::Mark::Problem), false) => "Item flagged",
            (None, true) => "取消勾选",
            (None, false) => "Tick cleared",
        })
        .to_string(),
        OpKind::FinishArea { .. } => (if zh { "区域完成" } else { "Area finished" }).to_string(),
        OpKind::SettleMark { .. }
        | OpKind::SettleVacantRecord { .. }
        | OpKind::SettleFinding { .. }
        | OpKind::SettleRound { .. } => (if zh {
            "解决冲突"
        } else {
            "Conflict settled"
        })
        .to_string(),
        OpKind::ReviewArea { .. } | OpKind::ReviewVacantRecord { .. } => {
            (if zh { "抽查" } else { "Spot check" }).to_string()
        }
        OpKind::SaveVacantRecord { .. } => (if zh {
            "空置单元清洁记录"
        } else {
            "Vacant-unit record"
        })
        .to_string(),
        OpKind::ReportFinding { .. } => (if zh {
            "问题上报"
        } else {
            "Problem reported"
        })
        .to_string(),
        OpKind::AssignFinding { .. } => (if zh { "派发整改" } else { "Task assigned" }).to_string(),
        OpKind::CloseFinding { .. } => (if zh { "整改完成" } else { "Task closed" }).to_string(),
        OpKind::ConfirmFinding { .. } => {
            (if zh { "确认整改" } else { "Fix confirmed" }).to_string()
        }
        OpKind::ReopenFinding { .. } => (if zh { "退回整改" } else { "Task reopened" }).to_string(),
        OpKind::SubmitRound { .. } => (if zh { "巡检记录" } else { "Patrol round" }).to_string(),
        OpKind::TakeComplaint { .. } => (if zh { "客户投诉" } else { "Complaint" }).to_string(),
        OpKind::RecordCallBack { .. } => (if zh { "回访记录" } else { "Call-back" }).to_string(),
    }
}

/// What still blocks the report (photos are named by their slot's label instead).
pub fn missing(m: &Missing, lang: Lang) -> &'static str {
    match (m, lang) {
        (Missing::NotDone, Lang::Zh) => "尚未报告“修复离开工地”",
        (Missing::NotDone, Lang::En) => "\"Repaired, left site\" not reported yet",
        (Missing::Photo { .. }, Lang::Zh) => "照片",
        (Missing::Photo { .. }, Lang::En) => "Photo",
        (Missing::FaultCause, Lang::Zh) => "故障原因",
        (Missing::FaultCause, Lang::En) => "Fault cause",
        (Missing::WorkDone, Lang::Zh) => "处理过程",
        (Missing::WorkDone, Lang::En) => "Work done",
        (Missing::Signature, Lang::Zh) => "客户签名（或主管免签）",
        (Missing::Signature, Lang::En) => "Customer signature (or a supervisor's waiver)",
        (Missing::ServiceCode, Lang::Zh) => "服务代码（索赔）",
        (Missing::ServiceCode, Lang::En) => "Service code (claim)",
        (Missing::FaultInfo, Lang::Zh) => "保修故障信息（索赔）",
        (Missing::FaultInfo, Lang::En) => "Warranty fault information (claim)",
        (Missing::Labour, Lang::Zh) => "主修工程师工时（索赔）",
        (Missing::Labour, Lang::En) => "Main engineer's hours (claim)",
    }
}

// Supervisors (issue 6).

pub fn round_kind(k: fieldbook_model::patrol::RoundKind, lang: Lang) -> &'static str {
    use fieldbook_model::patrol::RoundKind::*;
    match (k, lang) {
        (Morning, Lang::Zh) => "上午巡检",
        (Morning, Lang::En) => "Morning round",
        (Afternoon, Lang::Zh) => "下午巡检",
        (Afternoon, Lang::En) => "Afternoon round",
        (LastRound, Lang::Zh) => "下班前巡视",
        (LastRound, Lang::En) => "Last round",
        (MonthlyOutlets, Lang::Zh) => "商铺月检",
        (MonthlyOutlets, Lang::En) => "Monthly outlet check",
    }
}

pub fn round_state(s: fieldbook_model::patrol::RoundState, lang: Lang) -> &'static str {
    use fieldbook_model::patrol::RoundState::*;
    match (s, lang) {
        (Done, Lang::Zh) => "已完成",
        (Done, Lang::En) => "Done",
        (Due, Lang::Zh) => "待巡",
        (Due, Lang::En) => "Due now",
        (Upcoming, Lang::Zh) => "未到时间",
        (Upcoming, Lang::En) => "Later",
        (Missed, Lang::Zh) => "已错过",
        (Missed, Lang::En) => "Missed",
    }
}

pub fn outlet_check(c: fieldbook_model::patrol::OutletCheck, lang: Lang) -> &'static str {
    use fieldbook_model::patrol::OutletCheck::*;
    match (c, lang) {
        (NoIllegalStalls, Lang::Zh) => "无违章摆卖",
        (NoIllegalStalls, Lang::En) => "No illegal stalls",
        (NoBillboards, Lang::Zh) => "无违规广告牌",
        (NoBillboards, Lang::En) => "No unauthorised billboards",
        (NoPostersOrGraffiti, Lang::Zh) => "无乱张贴、涂画",
        (NoPostersOrGraffiti, Lang::En) => "No posters or graffiti",
        (NoAnimals, Lang::Zh) => "无饲养家禽、家畜及宠物",
        (NoAnimals, Lang::En) => "No poultry, livestock or pets",
    }
}

pub fn role_name(r: fieldbook_model::Role, lang: Lang) -> &'static str {
    use fieldbook_model::Role::*;
    match (r, lang) {
        (Engineer, Lang::Zh) => "工程师",
        (Engineer, Lang::En) => "Engineer",
        (Cleaner, Lang::Zh) => "保洁员",
        (Cleaner, Lang::En) => "Cleaner",
        (Supervisor, Lang::Zh) => "主管",
        (Supervisor, Lang::En) => "Supervisor",
        (Dispatcher, Lang::Zh) => "客服专员",
        (Dispatcher, Lang::En) => "Dispatcher",
        (ServiceSupervisor, Lang::Zh) => "服务站长",
        (ServiceSupervisor, Lang::En) => "Station head",
        (Manager, Lang::Zh) => "部门经理",
        (Manager, Lang::En) => "Manager",
        (Claims, Lang::Zh) => "索赔专员",
        (Claims, Lang::En) => "Claims support",
    }
}

/// The age bands of open findings on the board.
pub fn age_band(band: usize, lang: Lang) -> &'static str {
    match (band, lang) {
        (0, Lang::Zh) => "1 天内",
        (0, Lang::En) => "< 1 day",
        (1, Lang::Zh) => "1–3 天",
        (1, Lang::En) => "1–3 days",
        (_, Lang::Zh) => "超过 3 天",
        (_, Lang::En) => "> 3 days",
    }
}
