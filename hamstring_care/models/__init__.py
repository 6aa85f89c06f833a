"""The protocol formats, declared as pydantic models: one module per kind.

A protocol file is one of four kinds: ``triage`` (red flags, questions, ordered rules),
``guidance`` (sections of advice), ``routine`` (timed steps) or ``program`` (stages); a plan
file and the clinic's details have models of their own. Unknown keys are errors everywhere.
Checks that span several fields (a rule naming a question that does not exist) live in
``cross_check`` so that each can point at the exact field that is wrong.

Each name is imported from its kind's module when first used (``models.TriageProtocol``
defines the triage's models alone): a check never defines the routine, program or plan
models, about a third of the classes. These modules import pydantic, so only the loader
and what works on loaded protocols import them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hamstring_care.models.base import (
        ADDRESS_LIMIT as ADDRESS_LIMIT,
    )
    from hamstring_care.models.base import (
        EMERGENCY_NUMBER_LIMIT as EMERGENCY_NUMBER_LIMIT,
    )
    from hamstring_care.models.base import (
        ID_PATTERN as ID_PATTERN,
    )
    from hamstring_care.models.base import (
        NAME_LIMIT as NAME_LIMIT,
    )
    from hamstring_care.models.base import (
        NOTES_LIMIT as NOTES_LIMIT,
    )
    from hamstring_care.models.base import (
        Area as Area,
    )
    from hamstring_care.models.base import (
        Disposition as Disposition,
    )
    from hamstring_care.models.base import (
        FlagLevel as FlagLevel,
    )
    from hamstring_care.models.base import (
        Found as Found,
    )
    from hamstring_care.models.base import (
        Id as Id,
    )
    from hamstring_care.models.base import (
        Item as Item,
    )
    from hamstring_care.models.base import (
        ItemOrText as ItemOrText,
    )
    from hamstring_care.models.base import (
        Label as Label,
    )
    from hamstring_care.models.base import (
        Method as Method,
    )
    from hamstring_care.models.base import (
        Model as Model,
    )
    from hamstring_care.models.base import (
        Paper as Paper,
    )
    from hamstring_care.models.base import (
        Path as Path,
    )
    from hamstring_care.models.base import (
        ProtocolBase as ProtocolBase,
    )
    from hamstring_care.models.base import (
        ProtocolKind as ProtocolKind,
    )
    from hamstring_care.models.base import (
        Side as Side,
    )
    from hamstring_care.models.base import (
        SignText as SignText,
    )
    from hamstring_care.models.base import (
        SourceKey as SourceKey,
    )
    from hamstring_care.models.base import (
        Text as Text,
    )
    from hamstring_care.models.base import (
        check_unique as check_unique,
    )
    from hamstring_care.models.base import (
        cross_check as cross_check,
    )
    from hamstring_care.models.base import (
        describe as describe,
    )
    from hamstring_care.models.base import (
        dumped as dumped,
    )
    from hamstring_care.models.base import (
        rebuild as rebuild,
    )
    from hamstring_care.models.guidance import (
        GuidanceProtocol as GuidanceProtocol,
    )
    from hamstring_care.models.guidance import (
        Section as Section,
    )
    from hamstring_care.models.plan import (
        MAX_PLAN_PROTOCOLS as MAX_PLAN_PROTOCOLS,
    )
    from hamstring_care.models.plan import (
        Address as Address,
    )
    from hamstring_care.models.plan import (
        Clinic as Clinic,
    )
    from hamstring_care.models.plan import (
        EmergencyNumber as EmergencyNumber,
    )
    from hamstring_care.models.plan import (
        Name as Name,
    )
    from hamstring_care.models.plan import (
        Plan as Plan,
    )
    from hamstring_care.models.plan import (
        PlanProtocol as PlanProtocol,
    )
    from hamstring_care.models.plan import (
        Schedule as Schedule,
    )
    from hamstring_care.models.program import (
        ProgramProtocol as ProgramProtocol,
    )
    from hamstring_care.models.program import (
        ProgramRules as ProgramRules,
    )
    from hamstring_care.models.program import (
        Stage as Stage,
    )
    from hamstring_care.models.program import (
        StageQuestion as StageQuestion,
    )
    from hamstring_care.models.routine import (
        ILLUSTRATION_PATTERN as ILLUSTRATION_PATTERN,
    )
    from hamstring_care.models.routine import (
        MAX_HOLD_S as MAX_HOLD_S,
    )
    from hamstring_care.models.routine import (
        Duration as Duration,
    )
    from hamstring_care.models.routine import (
        Hold as Hold,
    )
    from hamstring_care.models.routine import (
        RoutineProtocol as RoutineProtocol,
    )
    from hamstring_care.models.routine import (
        Step as Step,
    )
    from hamstring_care.models.routine import (
        WeekDose as WeekDose,
    )
    from hamstring_care.models.triage import (
        YES_NO as YES_NO,
    )
    from hamstring_care.models.triage import (
        Caution as Caution,
    )
    from hamstring_care.models.triage import (
        Choice as Choice,
    )
    from hamstring_care.models.triage import (
        Condition as Condition,
    )
    from hamstring_care.models.triage import (
        DispositionInfo as DispositionInfo,
    )
    from hamstring_care.models.triage import (
        Dispositions as Dispositions,
    )
    from hamstring_care.models.triage import (
        FollowUp as FollowUp,
    )
    from hamstring_care.models.triage import (
        Note as Note,
    )
    from hamstring_care.models.triage import (
        NotImproving as NotImproving,
    )
    from hamstring_care.models.triage import (
        Question as Question,
    )
    from hamstring_care.models.triage import (
        RaisedCaution as RaisedCaution,
    )
    from hamstring_care.models.triage import (
        Recheck as Recheck,
    )
    from hamstring_care.models.triage import (
        RedFlag as RedFlag,
    )
    from hamstring_care.models.triage import (
        RedFlagScreen as RedFlagScreen,
    )
    from hamstring_care.models.triage import (
        Rule as Rule,
    )
    from hamstring_care.models.triage import (
        RuleCaution as RuleCaution,
    )
    from hamstring_care.models.triage import (
        Scalar as Scalar,
    )
    from hamstring_care.models.triage import (
        StepSelector as StepSelector,
    )
    from hamstring_care.models.triage import (
        StopCheck as StopCheck,
    )
    from hamstring_care.models.triage import (
        StopChoice as StopChoice,
    )
    from hamstring_care.models.triage import (
        TriageProtocol as TriageProtocol,
    )
    from hamstring_care.models.triage import (
        YesNoLabels as YesNoLabels,
    )
    from hamstring_care.models.triage import (
        answer_values as answer_values,
    )
    from hamstring_care.models.triage import (
        normalise_yes_no as normalise_yes_no,
    )

    AnyProtocol = TriageProtocol | GuidanceProtocol | RoutineProtocol | ProgramProtocol

# Where each name is defined, as imported above for the type checker (a test holds the two
# lists together).
_HOMES = {
    "base": (
        "ADDRESS_LIMIT",
        "EMERGENCY_NUMBER_LIMIT",
        "ID_PATTERN",
        "NAME_LIMIT",
        "NOTES_LIMIT",
        "Area",
        "Disposition",
        "FlagLevel",
        "Found",
        "Id",
        "Item",
        "ItemOrText",
        "Label",
        "Method",
        "Model",
        "Paper",
        "Path",
        "ProtocolBase",
        "ProtocolKind",
        "Side",
        "SignText",
        "SourceKey",
        "Text",
        "check_unique",
        "cross_check",
        "describe",
        "dumped",
        "rebuild",
    ),
    "triage": (
        "YES_NO",
        "Caution",
        "Choice",
        "Condition",
        "DispositionInfo",
        "Dispositions",
        "FollowUp",
        "NotImproving",
        "Note",
        "Question",
        "RaisedCaution",
        "Recheck",
        "RedFlag",
        "RedFlagScreen",
        "Rule",
        "RuleCaution",
        "Scalar",
        "StepSelector",
        "StopCheck",
        "StopChoice",
        "TriageProtocol",
        "YesNoLabels",
        "answer_values",
        "normalise_yes_no",
    ),
    "guidance": (
        "GuidanceProtocol",
        "Section",
    ),
    "routine": (
        "ILLUSTRATION_PATTERN",
        "MAX_HOLD_S",
        "Duration",
        "Hold",
        "RoutineProtocol",
        "Step",
        "WeekDose",
    ),
    "program": (
        "ProgramProtocol",
        "ProgramRules",
        "Stage",
        "StageQuestion",
    ),
    "plan": (
        "MAX_PLAN_PROTOCOLS",
        "Address",
        "Clinic",
        "EmergencyNumber",
        "Name",
        "Plan",
        "PlanProtocol",
        "Schedule",
    ),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}

# Each kind's protocol model, by the ``kind`` a file gives (found where ``_HOMES`` says).
KINDS = {
    "triage": "TriageProtocol",
    "guidance": "GuidanceProtocol",
    "routine": "RoutineProtocol",
    "program": "ProgramProtocol",
}


def model_for(kind: str) -> type[ProtocolBase] | None:
    """The model of a protocol of this ``kind``; None for a kind there is not."""
    name = KINDS.get(kind)
    model: type[ProtocolBase] | None = None if name is None else __getattr__(name)
    return model


def __getattr__(name: str) -> Any:
    """``models.Step`` and ``from hamstring_care.models import Step``: from its kind's module."""
    if name == "AnyProtocol":
        kinds = [model_for(kind) for kind in KINDS]
        return kinds[0] | kinds[1] | kinds[2] | kinds[3]  # type: ignore[operator]
    module = _HOME_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
