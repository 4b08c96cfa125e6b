"""Fixed texts of the conversation (pure). Everything a graduate or counselor reads is Simplified Chinese."""

from __future__ import annotations

PRIVACY_VERSION = "2026-1"
BY_SCHOOL_CODE = "column"  # Settings.binding_secret for a school-issued code

PRIVACY_NOTICE = (
    "【隐私说明】就业助手由学校就业指导部门提供。绑定学籍后，我们会保存你的聊天账号、求职意向、就业状态和与助手的"
    "对话，只用于给你推荐岗位、跟进就业情况和学校的就业统计，不会提供给用人单位或其他第三方。"
    "任何时候回复“退订”即可停止主动推送。"
)


def secret_label(binding_secret: str) -> str:
    """What the school asks for besides 学号 and 姓名 (Settings.binding_secret)."""
    return "学校发给你的绑定码" if binding_secret == BY_SCHOOL_CODE else "身份证号后六位"


def bind_instructions(binding_secret: str, *, hint: bool = True) -> str:
    label = secret_label(binding_secret)
    example = "A7K2Q9" if binding_secret == BY_SCHOOL_CODE else "12345X"
    return f"请先绑定学籍：发送“绑定 学号 姓名 {label}”，例如：绑定 2023123456 王同学 {example}\n" + (
        "（请在私聊中发送，不要发在群里；发送“帮助”了解我能做什么）" if hint else "（请在私聊中发送，不要发在群里）"
    )


def unbound_help(binding_secret: str) -> str:
    return (
        "我是就业助手。绑定学籍后可以：\n"
        "1. 说说求职意向，如“想回宜昌做护士，月薪五千以上”\n"
        "2. 发送“推荐”看为你匹配的岗位\n"
        "3. 告诉我就业进展，如“签了三方，华工激光”\n" + bind_instructions(binding_secret, hint=False)
    )


GRADUATE_HELP = (
    "我可以帮你：\n"
    "1. 登记求职意向：直接说，如“想回湖北宜昌，做护士，月薪五千以上”\n"
    "2. 推荐岗位：发送“推荐”；“换一批”看更多\n"
    "3. 对岗位反馈：“详情 3”“感兴趣 3”“已投递 3”“不合适 3 太远了”\n"
    "4. 更新就业状态：如“签了三方，华工激光”“还在找”“考研上岸了”\n"
    "5. 政策问题：直接问，如“三方协议怎么签”\n"
    "不想收到推送请回复“退订”，想恢复请回复“恢复推送”。"
)

STAFF_HELP = (
    "老师好！可用指令：\n"
    "统计 [班级/专业]：所负责班级的就业情况\n"
    "未回复：最近一次询问还没回复的同学\n"
    "困难生：尚未落实的困难生（请在私聊中查看名单）\n"
    "发布岗位 <岗位信息>：如“发布岗位 华工激光招聘机械工程师3名，武汉，本科，机械类专业，月薪8千-1.1万，截止6月30日”\n"
    "推送 <岗位编号或名称> 给 <班级/专业>：如“推送 12 给 计应2201”"
)

STAFF_SMALLTALK = "老师好！发送“帮助”查看可用指令，如“统计”“未回复”“困难生”。"
WELCOME = "欢迎使用就业助手！找工作、问政策、报就业进展，都可以直接跟我说。"
ONLY_TEXT = "暂时只能看懂文字消息，请直接打字告诉我。发送“帮助”查看我能做什么。"
NEED_BINDING = "这个功能需要先绑定学籍。"
PRIVATE_ONLY = "涉及个人信息的事情请私聊我，群里我只回答通用问题。发送“帮助”查看功能。"
GROUP_NO_SECRETS = "请不要在群里发送学号和身份证信息！建议撤回这条消息，然后私聊我完成绑定。"
STAFF_ONLY = "抱歉，这个功能只对老师开放。你可以发送“帮助”看看我能为你做什么。"
ALREADY_BOUND = "你的学籍已经绑定好了。如需更换绑定，请联系辅导员解除原绑定。"
STAFF_CANNOT_BIND_GRADUATE = "这个聊天账号已绑定为工作人员账号，不能再绑定学生学籍。"
GRADUATE_CANNOT_BIND_STAFF = "这个聊天账号已绑定学生学籍，不能再绑定工作人员。如有需要请联系管理员。"
UNKNOWN = "抱歉，我没太看懂。你可以直接说求职意向、就业进展，或者发送“帮助”查看我能做什么。"
FAQ_MISS = "这个问题我暂时答不上来，建议直接问辅导员。发送“帮助”查看我能做什么。"
SMALLTALK = "你好！我是就业助手。发送“推荐”看看为你匹配的岗位，或者发送“帮助”查看更多功能。"
UNSUBSCRIBED = "已退订：之后不再主动给你推送岗位和提醒，你发消息我照常回答。想恢复请回复“恢复推送”。"
RESUBSCRIBED = "已恢复推送：有合适的岗位和重要提醒会及时告诉你。"
UNBOUND_UNSUBSCRIBE = "你还没有绑定学籍，不会收到任何推送。"
OK = "好的。发送“帮助”查看我能做什么。"
