( ;;comment
module;;comment
)